// Package profile defines Manx's boot profiles: named feature sets such as
// "uki,sb-pass" (the NekOS naming), each with the machine, firmware, boot
// path, display and the exact outcome its headless check expects.
package profile

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"

	"manx/catalog"
)

// Machine types.
const (
	MachineQ35     = "q35"
	MachineMicrovm = "microvm"
)

// Firmware kinds.
const (
	FirmwareDefault = ""            // SeaBIOS (q35) or qboot (microvm)
	FirmwarePflash  = "ovmf-pflash" // our OVMF, SMM, vars in secure pflash
	FirmwarePVVars  = "ovmf-pvvars" // our OVMF, vars in QEMU's uefi-vars device
	FirmwareDebian  = "debian-ovmf" // Debian's OVMF_CODE_4M.secboot.fd (independent oracle)
	FirmwareAmdSev  = "ovmf-amdsev" // our AmdSevX64 OVMF (-bios), SEV-SNP measured direct boot
)

// Boot paths.
const (
	BootKernel = "kernel" // QEMU -kernel/-initrd/-append (direct boot)
	BootESP    = "esp"    // \EFI\BOOT\BOOTX64.EFI from a FAT ESP on virtio-blk
	BootDisk   = "disk"   // a whole disk image artefact (Profile.Disk), a writable copy on virtio-blk
)

// Displays.
const (
	DisplayNone   = "none"   // serial only: no graphics device
	DisplayStd    = "std"    // std VGA
	DisplayVirtio = "virtio" // virtio-gpu
)

// Profile is one boot configuration and its expected outcome.
type Profile struct {
	ID        string // feature set, e.g. "kernel,initramfs"
	Summary   string
	Machine   string
	Firmware  string
	VarStore  string // blank, ms, custom (with OVMF)
	Boot      string
	Initramfs bool   // pass the initramfs (direct boot)
	UKI       string // the EFI binary for ESP boot (a UKI or any PE): an artefact name (catalog), e.g. "uki-signed"; or see ESPPin
	Display   string
	Append    string        // kernel command line for direct boot
	Expect    []string      // serial markers, in order
	Refuse    []string      // serial text that fails the check
	Screen    bool          // the cat must be on screen after the last marker
	Timeout   time.Duration // from QEMU start to the last marker
	SNP       *SNP          // an SEV-SNP guest (needs an SNP host)

	// Disk is the disk image of disk boot, an artefact name (catalog),
	// e.g. "image-disk"; each VM boots a private, writable copy.
	Disk string
	// Reboots lets the guest reboot (QEMU without -no-reboot): a boot
	// sequence within one VM, as boot counting needs.
	Reboots bool
	// Update asks the guest's init, through the QEMU fw_cfg item
	// FWCfgUpdateURL, to run `manx update` against the OS package server's
	// descriptor (Serve names the scenario); needs the network.
	Update bool
	// EntriesAfter, with disk boot, is a regular expression the check
	// requires of the names in \EFI\Linux on the disk's ESP after the VM
	// has ended (sorted, one per line): boot counting's outcome.
	EntriesAfter string
	// InitramfsFile is the initramfs for direct boot, an artefact name
	// (catalog); "" means the Go userland's.
	InitramfsFile string
	// Network adds a virtio-net NIC on QEMU user networking (slirp, not
	// restricted): the guest is 10.0.2.15 and reaches the host's loopback
	// as 10.0.2.2.
	Network bool
	// Serve names the OS package server scenario (Serve* constants) the
	// host runs on its loopback for the VM's lifetime; "" for none.
	Serve string
	// ESPPin is the EFI binary of ESP boot taken from a pinned Debian
	// package (pins.json) instead of a catalog artefact: a binary someone
	// else signed, e.g. Debian's Microsoft-signed shim.
	ESPPin *PinnedEFI
	// Watch is how long the check keeps looking for Refuse text after the
	// last expected marker; the zero value watches for DefaultWatchWindow.
	Watch Watch
	// TPMState names a persistent TPM: the swtpm state survives the VM
	// (under the build directory's vmstate/tpm/<TPMState>) and profiles
	// naming the same state share one TPM, hence its seeds and what was
	// sealed to it. "" gives the VM a fresh TPM in its temporary directory.
	// Every OVMF profile has a TPM (TPM reports it).
	TPMState string
	// PCRs are the PCRs the check predicts from the booted UKI and var
	// store and expects init to print as "tpm: pcrN sha256 <hex>", in this
	// order, after the Expect markers that precede MarkerUserland.
	PCRs []int
	// TPMEventLog asks init to print the firmware's TPM event log (QEMU
	// fw_cfg item opt/manx/tpm-eventlog, not measured), which the check
	// replays to name the first event that differs from the prediction.
	TPMEventLog bool
	// Sealed: before the boot the host seals a secret (a TOTP seed) to the
	// persistent TPM (TPMState) with PolicyAuthorize(the PCR policy key)
	// and PolicyPCR(7 = Secure Boot on with Manx's custom store), once per
	// TPM, and attaches the sealed blob as a small data disk
	// (manx/tpm/sealdisk). The guest's clock starts at RTCBase. The check
	// completes MarkerUnsealed with the secret's digest and requires the
	// TOTP code the guest prints to be right for the time it prints.
	Sealed bool
	// TPMFresh discards the persistent TPM state (TPMState) before the
	// boot: the profile starts from a new TPM.
	TPMFresh bool
	// Then are boots that follow this one, in order, on the same
	// persistent TPM (the check passes only if every boot does): state a
	// boot leaves in the TPM, such as stboot's rollback state, is what the
	// next one is checked against.
	Then []Profile
}

// TPM reports whether the VM has a TPM 2.0 (swtpm on tpm-crb): every
// profile whose firmware is OVMF, which measures the boot into it. Direct
// boots without firmware and the SEV-SNP profile (whose root of trust is
// the AMD secure processor) have none.
func (p Profile) TPM() bool {
	switch p.Firmware {
	case FirmwarePflash, FirmwarePVVars, FirmwareDebian:
		return true
	}
	return false
}

// Watch says how long a headless check keeps reading the serial log for
// refused text after the last expected marker (and the screen check). A
// refusal seen at any time fails the check; the watch ends early when the
// guest powers off, since then nothing more can be printed.
type Watch struct {
	// UntilPowerOff watches until the guest powers off (QEMU exits), within
	// the profile's Timeout counted from QEMU start; a guest still running
	// then fails the check.
	UntilPowerOff bool
	// Window watches for this long; zero means DefaultWatchWindow. Not
	// with UntilPowerOff.
	Window time.Duration
}

// DefaultWatchWindow is the watch of a profile that declares none: long
// enough for a kernel that slipped past the firmware to print its banner.
const DefaultWatchWindow = 5 * time.Second

// Duration is the watch window: Window, or DefaultWatchWindow when zero.
// It is meaningless with UntilPowerOff.
func (w Watch) Duration() time.Duration {
	if w.Window == 0 {
		return DefaultWatchWindow
	}
	return w.Window
}

// String is "power-off" or the window, e.g. "5s".
func (w Watch) String() string {
	if w.UntilPowerOff {
		return "power-off"
	}
	return w.Duration().String()
}

// PinnedEFI is an EFI binary inside a pinned .deb.
type PinnedEFI struct {
	Pin  string // name of the pin in pins.json whose .deb carries the binary
	Path string // the binary inside the package's data.tar, e.g. "usr/lib/shim/shimx64.efi.signed"
}

// SNP are the launch settings of an SEV-SNP guest; with the firmware,
// kernel, initramfs and command line they determine its launch measurement.
type SNP struct {
	VCPUType string // QEMU -cpu model, e.g. EPYC-v4
	VCPUs    int
}

// Target is the mage target name: "kernel,initramfs" -> "kernelInitramfs".
func (p Profile) Target() string {
	var b strings.Builder
	upper := false
	for _, r := range p.ID {
		if r == ',' || r == '-' {
			upper = true
			continue
		}
		if upper {
			r = unicode.ToUpper(r)
			upper = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Validate reports every inconsistency in the profile.
func (p Profile) Validate() error {
	var errs []error
	bad := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf("profile %q: "+format, append([]any{p.ID}, a...)...))
	}
	if p.ID == "" {
		bad("empty ID")
	}
	switch p.Machine {
	case MachineQ35, MachineMicrovm:
	default:
		bad("unknown machine %q", p.Machine)
	}
	switch p.Firmware {
	case FirmwareDefault:
		if p.VarStore != "" {
			bad("a var store needs OVMF")
		}
		if p.Boot == BootESP || p.Boot == BootDisk {
			bad("ESP and disk boot need OVMF")
		}
	case FirmwareAmdSev:
		if p.SNP == nil || p.Boot != BootKernel || p.VarStore != "" {
			bad("the AmdSev firmware is for SEV-SNP measured direct boot (SNP settings, kernel boot, no var store)")
		}
	case FirmwarePflash, FirmwarePVVars, FirmwareDebian:
		if p.Machine != MachineQ35 {
			bad("OVMF profiles run on q35")
		}
		switch p.VarStore {
		case "blank", "ms", "custom":
		default:
			bad("firmware %s needs a var store (blank, ms or custom), got %q", p.Firmware, p.VarStore)
		}
	default:
		bad("unknown firmware %q", p.Firmware)
	}
	switch p.Boot {
	case BootKernel:
		if p.UKI != "" || p.ESPPin != nil {
			bad("direct kernel boot takes no UKI or pinned EFI binary")
		}
	case BootESP:
		if (p.UKI == "") == (p.ESPPin == nil) || p.Initramfs {
			bad("ESP boot takes exactly one EFI binary, a UKI artefact (which carries the initramfs) or a pinned one, and no initramfs")
		}
		if p.ESPPin != nil && (p.ESPPin.Pin == "" || p.ESPPin.Path == "") {
			bad("a pinned EFI binary needs a pin name and a path inside its package")
		}
	case BootDisk:
		if p.Disk == "" || p.UKI != "" || p.ESPPin != nil || p.Initramfs {
			bad("disk boot takes a disk image artefact and no UKI, pinned EFI binary or initramfs")
		}
	default:
		bad("unknown boot path %q", p.Boot)
	}
	if p.Disk != "" && p.Boot != BootDisk {
		bad("a disk image is for disk boot")
	}
	if p.Update && (p.Boot != BootDisk || p.Serve == "") {
		bad("an update needs disk boot and an OS package server scenario")
	}
	if p.EntriesAfter != "" {
		if p.Boot != BootDisk {
			bad("boot entries are checked on a disk image")
		}
		if _, err := regexp.Compile(p.EntriesAfter); err != nil {
			bad("EntriesAfter: %v", err)
		}
	}
	if p.InitramfsFile != "" && (p.Boot != BootKernel || !p.Initramfs) {
		bad("an initramfs file is for direct boot with an initramfs")
	}
	for _, a := range []string{p.UKI, p.InitramfsFile, p.Disk} {
		if _, err := catalog.Find(a); a != "" && err != nil {
			bad("%v", err)
		}
	}
	if p.Network && p.Machine != MachineQ35 {
		bad("the network (virtio-net-pci) needs q35")
	}
	if p.Serve != "" {
		if !p.Network {
			bad("an OS package server (%q) needs the network", p.Serve)
		}
		if !slices.Contains(ServeScenarios, p.Serve) {
			bad("unknown OS package server scenario %q (want one of %s)", p.Serve, strings.Join(ServeScenarios, ", "))
		}
	}
	switch p.Display {
	case DisplayNone, DisplayStd, DisplayVirtio:
	default:
		bad("unknown display %q", p.Display)
	}
	if p.Screen && p.Display == DisplayNone {
		bad("a screen check needs a display")
	}
	if p.SNP != nil && (p.Firmware != FirmwareAmdSev || p.SNP.VCPUs < 1 || p.SNP.VCPUType == "") {
		bad("an SNP guest needs the AmdSev firmware, a vCPU type and at least one vCPU")
	}
	if (p.TPMState != "" || len(p.PCRs) > 0 || p.TPMEventLog) && !p.TPM() {
		bad("a TPM state or PCR check needs a profile with a TPM (OVMF firmware)")
	}
	if len(p.PCRs) > 0 && (p.Boot != BootESP || p.ESPPin != nil || !slices.Contains(p.Expect, MarkerUserland)) {
		bad("a PCR check predicts from a UKI Manx built and needs the userland marker")
	}
	if (p.TPMFresh || len(p.Then) > 0) && p.TPMState == "" {
		bad("a fresh TPM or a boot sequence needs a persistent TPM (TPMState)")
	}
	for i, q := range p.Then {
		if q.TPMState != p.TPMState || q.TPMFresh || len(q.Then) > 0 {
			bad("boot %d (%s) must use TPM state %q, not start fresh and not chain further", i+2, q.ID, p.TPMState)
		}
		// The check boots every step from the first one's inputs.
		if q.Machine != p.Machine || q.Firmware != p.Firmware || q.VarStore != p.VarStore || q.Boot != p.Boot ||
			q.UKI != p.UKI || q.Disk != p.Disk || q.Initramfs != p.Initramfs || q.InitramfsFile != p.InitramfsFile || q.ESPPin != p.ESPPin || q.Sealed != p.Sealed {
			bad("boot %d (%s) must boot what the first boot does (machine, firmware, store, boot path, files)", i+2, q.ID)
		}
		if err := q.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	if p.Sealed && p.TPMState == "" {
		bad("a sealed secret needs a persistent TPM (TPMState)")
	}
	if strings.ContainsAny(p.TPMState, "/.") {
		bad("TPM state %q: a plain name", p.TPMState)
	}
	if len(p.Expect) == 0 {
		bad("no expected serial marker: a check must wait for an exact outcome")
	}
	if p.Timeout <= 0 {
		bad("no timeout")
	}
	if p.Watch.Window < 0 {
		bad("negative watch window %s", p.Watch.Window)
	}
	if p.Watch.UntilPowerOff && p.Watch.Window != 0 {
		bad("a watch is either until power-off or a window, not both")
	}
	return errors.Join(errs...)
}

// Dump writes a human-readable description.
func (p Profile) Dump(w io.Writer) {
	fmt.Fprintf(w, "%s (deploy:%s): %s\n", p.ID, p.Target(), p.Summary)
	fmt.Fprintf(w, "  machine=%s firmware=%s varstore=%s boot=%s display=%s\n", p.Machine, or(p.Firmware, "default"), or(p.VarStore, "-"), p.Boot, p.Display)
	if p.InitramfsFile != "" {
		fmt.Fprintf(w, "  initramfs=%s\n", p.InitramfsFile)
	}
	if p.ESPPin != nil {
		fmt.Fprintf(w, "  efi=%s from pin %s\n", p.ESPPin.Path, p.ESPPin.Pin)
	}
	if p.Network {
		fmt.Fprintf(w, "  network=user serve=%s\n", or(p.Serve, "-"))
	}
	if p.TPM() {
		fmt.Fprintf(w, "  tpm=swtpm state=%s pcrs=%v\n", or(p.TPMState, "fresh"), p.PCRs)
	}
	if p.Append != "" {
		fmt.Fprintf(w, "  append=%q\n", p.Append)
	}
	fmt.Fprintf(w, "  expect=%q refuse=%q screen=%v timeout=%s watch=%s\n", p.Expect, p.Refuse, p.Screen, p.Timeout, p.Watch)
}

func or(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// Find returns the profile with the given ID or target name.
func Find(name string) (Profile, error) {
	for _, p := range All() {
		if p.ID == name || strings.EqualFold(p.Target(), name) {
			return p, nil
		}
	}
	var ids []string
	for _, p := range All() {
		ids = append(ids, p.ID)
	}
	sort.Strings(ids)
	return Profile{}, fmt.Errorf("no profile %q; profiles: %s", name, strings.Join(ids, " | "))
}
