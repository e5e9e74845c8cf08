package profile

import (
	"time"

	"manx/catalog"
)

// Exact serial markers.
const (
	MarkerNoRoot       = "Kernel panic - not syncing: VFS: Unable to mount root fs"
	MarkerUserland     = "manx: userland ready"
	MarkerCat          = "manx: cat on screen"
	MarkerPowerOff     = "reboot: Power down"
	MarkerSecureBoot   = "Secure boot enabled"
	MarkerAccessDenied = "Access Denied"
	// MarkerLockdown is the kernel's own line: lockdown is forced by its
	// configuration (CONFIG_LOCK_DOWN_KERNEL_FORCE_INTEGRITY), not asked for
	// on the command line.
	MarkerLockdown = "Kernel is locked down from Kernel configuration"
	// MarkerIntegrity is init's line from /sys/kernel/security/lockdown.
	MarkerIntegrity = "manx: lockdown: none [integrity] confidentiality"
	// MarkerEFIStub is the kernel's EFI stub starting: a firmware that
	// runs a bare kernel prints it before "Linux version".
	MarkerEFIStub = "EFI stub:"
	MarkerNotSNP  = "attest: not an SEV-SNP guest"
)

// UKIs an ESP profile boots (artefact catalogue names).
var (
	UKIUnsigned = catalog.UKI.Name
	UKISigned   = catalog.UKISigned.Name
	UKITampered = catalog.UKITampered.Name
)

// refusalWatch is how long a firmware refusal profile keeps watching for a
// boot after "Access Denied": the firmware tries its next boot option at
// once, so a boot that sneaks past the refusal shows its EFI stub or
// kernel banner within seconds even under TCG.
var refusalWatch = Watch{Window: 10 * time.Second}

// Kernel command lines. ttyS0 comes last so /dev/console (the userland's
// output) is the serial port; tty0 still shows kernel messages on screen.
const (
	appendSerial  = "console=ttyS0 panic=-1"
	appendDisplay = "console=tty0 console=ttyS0 panic=-1 vt.global_cursor_default=0"
)

// All returns the profile matrix, in a fixed order.
func All() []Profile {
	return append([]Profile{
		{
			ID: "kernel", Summary: "bare kernel on SeaBIOS with std VGA: no root fs, the kernel panics",
			Machine: MachineQ35, Boot: BootKernel, Display: DisplayStd, Append: appendDisplay,
			Expect: []string{MarkerNoRoot}, Timeout: 90 * time.Second,
		},
		{
			ID: "kernel,serialonly", Summary: "bare kernel, serial console only: no root fs, the kernel panics",
			Machine: MachineQ35, Boot: BootKernel, Display: DisplayNone, Append: appendSerial,
			Expect: []string{MarkerNoRoot}, Timeout: 90 * time.Second,
		},
		{
			ID: "kernel,initramfs", Summary: "kernel + Go userland on SeaBIOS with std VGA: Manx's cat on screen",
			Machine: MachineQ35, Boot: BootKernel, Initramfs: true, Display: DisplayStd, Append: appendDisplay,
			Expect: []string{MarkerUserland, MarkerCat}, Refuse: []string{"Kernel panic"}, Screen: true, Timeout: 120 * time.Second,
		},
		{
			ID: "microvm,kernel,initramfs,serialonly", Summary: "microvm (qboot, virtio-mmio) + Go userland, powers off by itself",
			Machine: MachineMicrovm, Boot: BootKernel, Initramfs: true, Display: DisplayNone, Append: appendSerial + " manx.test=poweroff",
			Expect: []string{MarkerUserland, MarkerPowerOff}, Refuse: []string{"Kernel panic"}, Watch: Watch{UntilPowerOff: true}, Timeout: 120 * time.Second,
		},
		{
			ID: "kernel,initramfs,attest", Summary: "attest on a guest without SEV-SNP: a clear refusal, non-zero exit",
			Machine: MachineQ35, Boot: BootKernel, Initramfs: true, Display: DisplayNone,
			Append: appendSerial + " manx.test=shell manx.cmd=/bin/attest",
			Expect: []string{MarkerUserland, MarkerNotSNP, "manx: shell exit status 3"}, Refuse: []string{"attest: OK"}, Watch: Watch{UntilPowerOff: true}, Timeout: 120 * time.Second,
		},
		{
			ID: "fw,kernel", Summary: "our OVMF (SMM, pflash, blank store) + bare kernel: no root fs",
			Machine: MachineQ35, Firmware: FirmwarePflash, VarStore: "blank", Boot: BootKernel, Display: DisplayNone, Append: appendSerial,
			Expect: []string{MarkerNoRoot}, Timeout: 180 * time.Second,
		},
		{
			ID: "fw,kernel,initramfs", Summary: "our OVMF (SMM, pflash, blank store) + kernel + Go userland",
			Machine: MachineQ35, Firmware: FirmwarePflash, VarStore: "blank", Boot: BootKernel, Initramfs: true, Display: DisplayNone, Append: appendSerial,
			Expect: []string{MarkerUserland}, Refuse: []string{"Kernel panic"}, Timeout: 180 * time.Second,
		},
		{
			ID: "fw,kernel,initramfs,uki", Summary: "our OVMF, blank store (Secure Boot off): the unsigned UKI boots from the ESP",
			Machine: MachineQ35, Firmware: FirmwarePflash, VarStore: "blank", Boot: BootESP, UKI: UKIUnsigned, Display: DisplayNone,
			Expect: []string{"Secure boot disabled", MarkerUserland}, Refuse: []string{"Kernel panic"}, Timeout: 180 * time.Second,
		},
		{
			ID: "uki,sb-fail", Summary: "Microsoft store (Secure Boot on): the firmware refuses our signed UKI",
			Machine: MachineQ35, Firmware: FirmwarePflash, VarStore: "ms", Boot: BootESP, UKI: UKISigned, Display: DisplayNone,
			Expect: []string{MarkerAccessDenied}, Refuse: []string{"Linux version", MarkerUserland}, Watch: refusalWatch, Timeout: 180 * time.Second,
		},
		{
			ID: "uki,sb-pass", Summary: "custom store (Secure Boot on, pflash): the signed UKI boots, locked down",
			Machine: MachineQ35, Firmware: FirmwarePflash, VarStore: "custom", Boot: BootESP, UKI: UKISigned, Display: DisplayNone,
			Expect: []string{MarkerSecureBoot, MarkerLockdown, MarkerIntegrity, MarkerUserland}, Refuse: []string{"Kernel panic"}, Timeout: 180 * time.Second,
		},
		{
			ID: "uki,sb-pass,tpm", Summary: "the signed UKI under Secure Boot with swtpm: PCRs 4, 7, 9 and 11 equal the prediction",
			Machine: MachineQ35, Firmware: FirmwarePflash, VarStore: "custom", Boot: BootESP, UKI: UKISigned, Display: DisplayNone,
			Expect: []string{MarkerSecureBoot, MarkerLockdown, MarkerIntegrity, MarkerUserland}, PCRs: []int{4, 7, 9, 11}, TPMEventLog: true,
			Refuse: []string{"Kernel panic"}, Timeout: 180 * time.Second,
		},
		{
			ID: "uki,sb-pass,pvvars", Summary: "custom store in QEMU's uefi-vars JSON (Secure Boot on): the signed UKI boots",
			Machine: MachineQ35, Firmware: FirmwarePVVars, VarStore: "custom", Boot: BootESP, UKI: UKISigned, Display: DisplayNone,
			Expect: []string{MarkerSecureBoot, MarkerLockdown, MarkerUserland}, Refuse: []string{"Kernel panic"}, Timeout: 180 * time.Second,
		},
		{
			ID: "uki,sb-pass,virtio", Summary: "custom store (Secure Boot on), virtio-gpu: Manx's cat on screen",
			Machine: MachineQ35, Firmware: FirmwarePflash, VarStore: "custom", Boot: BootESP, UKI: UKISigned, Display: DisplayVirtio,
			Expect: []string{MarkerSecureBoot, MarkerUserland, MarkerCat}, Refuse: []string{"Kernel panic"}, Screen: true, Timeout: 180 * time.Second,
		},
		{
			ID: "uki,sb-pass,tampered", Summary: "custom store (Secure Boot on): a signed UKI with one byte of .linux flipped is refused",
			Machine: MachineQ35, Firmware: FirmwarePflash, VarStore: "custom", Boot: BootESP, UKI: UKITampered, Display: DisplayNone,
			Expect: []string{MarkerAccessDenied}, Refuse: []string{"Linux version", MarkerUserland}, Watch: refusalWatch, Timeout: 180 * time.Second,
		},
		{
			ID: "oracle,debian-ovmf,uki,sb-pass", Summary: "independent oracle: Debian's OVMF_CODE_4M.secboot.fd with our custom raw store boots our signed UKI",
			Machine: MachineQ35, Firmware: FirmwareDebian, VarStore: "custom", Boot: BootESP, UKI: UKISigned, Display: DisplayNone,
			Expect: []string{MarkerSecureBoot, MarkerUserland}, Refuse: []string{"Kernel panic"}, Timeout: 180 * time.Second,
		},
		{
			ID: "oracle,debian-ovmf,uki-unsigned,sb-fail", Summary: "independent oracle: Debian's secboot OVMF with our custom store refuses the unsigned UKI",
			Machine: MachineQ35, Firmware: FirmwareDebian, VarStore: "custom", Boot: BootESP, UKI: UKIUnsigned, Display: DisplayNone,
			Expect: []string{MarkerAccessDenied}, Refuse: []string{"Linux version", MarkerUserland}, Watch: refusalWatch, Timeout: 180 * time.Second,
		},
	}, append(append(append(append(append(Stboot(), Chain()...), Microsoft()...), MeasuredBoot()...), Image()...), SNPProfile())...)
}
