package profile

import (
	"time"

	"manx/catalog"
)

// The kernel's kexec_file_load refusals under CONFIG_KEXEC_SIG_FORCE, with
// the errno: an unsigned PE has no signature to check (ENODATA); a
// signature by a key outside the kernel's builtin trusted keyring has no
// key to check it with (ENOKEY), since db is not trusted for kexec.
const (
	MarkerKexecUnsigned = "Enforced kernel signature verification failed (-61)"
	MarkerKexecNoKey    = "Enforced kernel signature verification failed (-126)"
	// MarkerStbootLoadFail is stboot's line when kexec_file_load fails.
	MarkerStbootLoadFail = MarkerStbootFail + " load: kexec_file_load"
)

// Chain returns the profiles that show nothing bypasses the Secure Boot
// chain: the firmware runs only db-signed UKIs, not the kernel on its own
// (whatever key signed it), and kexec_file_load runs only kernels signed
// by the kexec key, not the firmware's db.
func Chain() []Profile {
	bare := func(id, summary, efi string) Profile {
		return Profile{
			ID: id, Summary: summary,
			Machine: MachineQ35, Firmware: FirmwarePflash, VarStore: "custom", Boot: BootESP, UKI: efi, Display: DisplayNone,
			Expect: []string{MarkerAccessDenied}, Refuse: []string{MarkerEFIStub, "Linux version", MarkerUserland}, Watch: refusalWatch, Timeout: 180 * time.Second,
		}
	}
	kexec := func(id, summary, serve string, expect []string) Profile {
		return Profile{
			ID: id, Summary: summary,
			Machine: MachineQ35, Firmware: FirmwarePflash, VarStore: "custom", Boot: BootESP, UKI: UKIStbootSigned, Display: DisplayNone,
			Network: true, Serve: serve,
			Expect: append([]string{MarkerSecureBoot, MarkerLockdown, MarkerIntegrity, MarkerStbootDHCP, MarkerStbootFetched, MarkerStbootVerified}, expect...),
			// The only "Linux version" is the stboot UKI's: nothing was
			// kexec'd; stboot fails closed (reboot, no prompt).
			Refuse: append([]string{MarkerStbootKexec, "Kernel panic"}, noPrompt...), Timeout: stbootTimeout, Watch: stbootWatch(expect),
		}
	}
	return []Profile{
		bare("bare-kernel,sb",
			"custom store (Secure Boot on): the kexec-key-signed kernel as BOOTX64.EFI is refused; db signs only UKIs",
			catalog.KernelSigned.Name),
		bare("bare-kernel-unsigned,sb",
			"custom store (Secure Boot on): the unsigned kernel as BOOTX64.EFI is refused",
			catalog.Kernel.Name),
		kexec("stboot,kexec-unsigned",
			"the signed stboot UKI (Secure Boot on) fetches a properly signed OS package whose kernel is unsigned: kexec_file_load refuses, a reboot",
			ServeKexecUnsigned,
			[]string{MarkerKexecUnsigned, MarkerStbootLoadFail, "= no data available", MarkerStbootReboot, MarkerRestart}),
		kexec("stboot,kexec-db-only",
			"the signed stboot UKI (Secure Boot on) fetches a properly signed OS package whose kernel is signed by db, not the kexec key: kexec_file_load refuses, a reboot",
			ServeKexecDBOnly,
			[]string{MarkerKexecNoKey, MarkerStbootLoadFail, "= required key not available", MarkerStbootReboot, MarkerRestart}),
	}
}
