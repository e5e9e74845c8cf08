package profile

import (
	"time"

	"manx/catalog"
)

// stboot's serial lines (package manx/userland/stboot prints them;
// TestStbootMarkers in pipeline/stboot_test.go checks the two stay equal).
const (
	MarkerStbootFetched  = "stboot: fetched"
	MarkerStbootVerified = "stboot: verified"
	MarkerStbootKexec    = "stboot: kexec"
	MarkerStbootFail     = "stboot: FAIL"
	MarkerShell          = "manx: shell on" // init's "manx: shell on /dev/ttyS0 (pid N)"
	// MarkerStbootReboot is stboot failing closed with host.json's default
	// on_failure (reboot after 5 s); MarkerRestart is the kernel rebooting.
	MarkerStbootReboot = "stboot: reboot in 5s (on_failure)"
	MarkerRestart      = "reboot: Restarting system"
	// MarkerStbootDHCP ends stboot's "stboot: network eth0 <lease> (dhcp)":
	// the address came from QEMU's DHCP server (host.json has no static
	// fallback).
	MarkerStbootDHCP = "(dhcp)"
	// MarkerStbootRollbackState: stboot found the TPM and keeps the
	// highest booted pkg_version in its NV index (manx/tpm/nvversion).
	MarkerStbootRollbackState = "stboot: rollback state in TPM NV index 0x1c04d58"
)

// OS package server scenarios (Profile.Serve): which descriptor the host
// serves as /manx.json next to /manx.zip, and how it misbehaves.
// manx/deploy/osserver turns them into served files and faults.
const (
	ServeOK        = "ok"         // build/ospkg/manx.json and manx.zip as built
	ServeZipFlip   = "zip-flip"   // one bit of /manx.zip flipped on every request; the descriptor's unsigned-over os_pkg_sha256 is the flipped zip's
	ServeExpired   = "expired"    // a properly signed descriptor whose not_after has passed
	ServeOneRoot   = "one-root"   // signed by the root, its signer, and the signer's key under a second certificate
	ServeVersion1  = "version-1"  // the package signed as pkg_version 1
	ServeVersion2  = "version-2"  // ... as pkg_version 2
	ServeVersion3  = "version-3"  // ... as pkg_version 3
	ServeUntrusted = "untrusted"  // a descriptor signed by a key outside the trust root
	ServeOneOfTwo  = "one-of-two" // a descriptor with one valid and one untrusted signature
	ServeRetry     = "retry"      // /manx.json answers 503 twice, then the file
	ServeDown      = "down"       // the port is closed: connections refused
	// The kexec refusals: an OS package properly signed by the stboot
	// signer whose kernel is unsigned, or signed by db but not the kexec key.
	ServeKexecUnsigned = "kexec-unsigned"
	ServeKexecDBOnly   = "kexec-db-only"
)

// ServeScenarios lists every scenario, for Validate.
var ServeScenarios = []string{ServeOK, ServeZipFlip, ServeExpired, ServeOneRoot, ServeVersion1, ServeVersion2, ServeVersion3, ServeUntrusted, ServeOneOfTwo, ServeRetry, ServeDown, ServeKexecUnsigned, ServeKexecDBOnly,
	ServeImageUpdate, ServeImageUpdateBad, ServeImageUpdateOld}

// Artefacts the stboot profiles boot (artefact catalogue names).
var (
	StbootInitramfs           = catalog.StbootInitramfs.Name
	StbootInitramfsThreshold2 = catalog.StbootInitramfsThreshold2.Name
	UKIStbootSigned           = catalog.StbootUKISigned.Name
)

// noPrompt fails a stboot refusal that leaves a shell behind: init's
// shell line and the shell's prompt.
var noPrompt = []string{MarkerShell, "$ "}

// appendStboot makes init run /bin/stboot after "manx: userland ready".
const appendStboot = appendSerial + " manx.stboot=1"

// stbootTimeout covers two boots under TCG (OVMF, kernel, stboot; then the
// kexec'd kernel and userland) plus the downloads.
const stbootTimeout = 300 * time.Second

// Stboot returns the stboot profiles: network boot of the signed Manx OS
// package from the host's OS package server, with Secure Boot off (direct
// boot of the stboot initramfs) and on (the signed stboot UKI from the ESP,
// forced lockdown, so kexec_file_load accepts only the kexec-key-signed
// kernel), and one refusal per way the package or its server can be bad.
func Stboot() []Profile {
	direct := func(id, summary, serve string, expect, refuse []string) Profile {
		return Profile{
			ID: id, Summary: summary,
			Machine: MachineQ35, Firmware: FirmwarePflash, VarStore: "blank", Boot: BootKernel,
			Initramfs: true, InitramfsFile: StbootInitramfs, Display: DisplayNone, Append: appendStboot,
			Network: true, Serve: serve, Expect: expect, Refuse: refuse, Timeout: stbootTimeout, Watch: stbootWatch(expect),
		}
	}
	// A refusal: nothing was kexec'd, and stboot fails closed: it reboots
	// (QEMU runs with -no-reboot, so the VM ends) and never leaves a
	// prompt.
	refused := append([]string{MarkerStbootVerified, MarkerStbootKexec, "Kernel panic"}, noPrompt...)
	threshold := direct("fw,kernel,initramfs,stboot,threshold-unmet",
		"stboot with signature_threshold 2 refuses a descriptor with one valid and one untrusted signature",
		ServeOneOfTwo,
		[]string{MarkerStbootFetched, MarkerStbootFail + " verify:", "1 valid signature(s), threshold 2", MarkerStbootReboot, MarkerRestart}, refused)
	threshold.InitramfsFile = StbootInitramfsThreshold2
	oneRoot := direct("fw,kernel,initramfs,stboot,threshold-2",
		"stboot with signature_threshold 2 refuses all one root key holder can sign with: the root itself, its signer, and the signer's key under a second certificate",
		ServeOneRoot,
		[]string{MarkerStbootFetched, MarkerStbootFail + " verify:", "1 valid signature(s), threshold 2", "is a trust root: roots do not sign packages", "counted once", MarkerStbootReboot, MarkerRestart}, refused)
	oneRoot.InitramfsFile = StbootInitramfsThreshold2
	// Rollback: boot version 2, then the server offers version 1 (same
	// signer): refused from the TPM NV rollback state; then version 3
	// boots. One persistent TPM, new at the first boot.
	boots := []string{MarkerStbootRollbackState, MarkerStbootDHCP, MarkerStbootFetched, MarkerStbootVerified, MarkerStbootKexec, MarkerUserland}
	rollback := direct("fw,kernel,initramfs,stboot,rollback",
		"rollback: boot pkg_version 2, then version 1 is refused (TPM NV rollback state), then version 3 boots",
		ServeVersion2, boots, []string{MarkerStbootFail, "Kernel panic"})
	rollback.TPMState, rollback.TPMFresh = "rollback", true
	older := direct("fw,kernel,initramfs,stboot,rollback,boot-2", "second boot: the server offers version 1: refused",
		ServeVersion1, []string{MarkerStbootRollbackState, MarkerStbootFetched, MarkerStbootFail + " rollback: version 1 < 2 already booted", MarkerStbootReboot, MarkerRestart}, refused)
	newer := direct("fw,kernel,initramfs,stboot,rollback,boot-3", "third boot: the server offers version 3: boots",
		ServeVersion3, boots, []string{MarkerStbootFail, "Kernel panic"})
	older.TPMState, newer.TPMState = rollback.TPMState, rollback.TPMState
	rollback.Then = []Profile{older, newer}
	return []Profile{
		direct("fw,kernel,initramfs,stboot",
			"our OVMF (blank store, Secure Boot off) + kernel + stboot initramfs: fetches, verifies and kexecs the signed Manx OS package",
			ServeOK,
			[]string{MarkerStbootDHCP, MarkerStbootFetched, MarkerStbootVerified, MarkerStbootKexec, MarkerUserland},
			[]string{MarkerStbootFail, "Kernel panic"}),
		{
			ID: "fw,kernel,initramfs,stboot,sb-pass", Summary: "custom store (Secure Boot on): the signed stboot UKI, locked down, kexecs the db-signed Manx kernel",
			Machine: MachineQ35, Firmware: FirmwarePflash, VarStore: "custom", Boot: BootESP, UKI: UKIStbootSigned, Display: DisplayNone,
			Network: true, Serve: ServeOK,
			// setup_arch reports Secure Boot before the lockdown LSM
			// (forced by the configuration) starts. The kexec'd kernel, whose command line
			// (from the OS package) has no lockdown=, is locked down too;
			// neither command line may ask for it.
			Expect: []string{MarkerSecureBoot, MarkerLockdown, MarkerIntegrity, MarkerStbootDHCP, MarkerStbootVerified, MarkerStbootKexec,
				MarkerLockdown, MarkerIntegrity, MarkerUserland},
			Refuse: []string{MarkerStbootFail, "Kernel panic", "lockdown="}, Timeout: stbootTimeout,
		},
		// The descriptor's os_pkg_sha256 is the flipped zip's, so the
		// digest comparison passes and only the signatures (over the
		// statement with the original digest) refuse it.
		direct("fw,kernel,initramfs,stboot,zip-altered",
			"stboot refuses an OS package zip with one bit flipped in transit, its descriptor's digest updated to match: only the signature refuses it, nothing kexec'd, a reboot",
			ServeZipFlip,
			[]string{MarkerStbootFetched, MarkerStbootFail + " verify:", "0 valid signature(s), threshold 1", "signature does not verify over the statement", MarkerStbootReboot, MarkerRestart},
			append([]string{"does not match the signed digest"}, refused...)),
		direct("fw,kernel,initramfs,stboot,expired",
			"stboot refuses a properly signed OS package whose signed not_after has passed: nothing kexec'd, a reboot",
			ServeExpired,
			[]string{MarkerStbootFetched, MarkerStbootFail + " verify:", "ospkg: package expired at", MarkerStbootReboot, MarkerRestart}, refused),
		direct("fw,kernel,initramfs,stboot,untrusted-signer",
			"stboot refuses a descriptor signed by a key outside its trust root: nothing kexec'd, a reboot",
			ServeUntrusted,
			[]string{MarkerStbootFetched, MarkerStbootFail + " verify:", "does not chain to the trust root", MarkerStbootReboot, MarkerRestart}, refused),
		threshold,
		oneRoot,
		rollback,
		direct("fw,kernel,initramfs,stboot,retry",
			"the OS package server answers 503 twice: stboot retries and boots the OS package",
			ServeRetry,
			[]string{"stboot: retry 1", "stboot: retry 2", MarkerStbootFetched, MarkerStbootVerified, MarkerStbootKexec, MarkerUserland},
			[]string{"stboot: retry 3", MarkerStbootFail, "Kernel panic"}),
		direct("fw,kernel,initramfs,stboot,server-down",
			"no OS package server: stboot gives up within its deadline, nothing kexec'd, a reboot",
			ServeDown,
			[]string{MarkerStbootFail + " fetch: descriptor:", "giving up after 5 attempt(s)", "connection refused", MarkerStbootReboot, MarkerRestart},
			append([]string{MarkerStbootFetched, MarkerStbootKexec, "Kernel panic"}, noPrompt...)),
	}
}

// stbootWatch watches a refusal (it ends in MarkerRestart) until the VM
// ends, so a prompt at any time before fails it; a boot, the default window.
func stbootWatch(expect []string) Watch {
	if len(expect) > 0 && expect[len(expect)-1] == MarkerRestart {
		return Watch{UntilPowerOff: true}
	}
	return Watch{}
}
