// Package qemu turns a boot profile and its inputs into a QEMU command line.
// Args is a pure function, golden-tested as strings.
package qemu

import (
	"fmt"
	"strings"

	"manx/deploy/profile"
)

// Binary is the QEMU system emulator Manx drives.
const Binary = "qemu-system-x86_64"

// Inputs are the files a profile boots.
type Inputs struct {
	Kernel    string // bzImage (direct boot)
	Initramfs string
	ESP       string // raw disk image with the ESP (ESP boot)
	Disk      string // this VM's writable copy of a whole disk image (disk boot)
	// UpdateURL is the update descriptor's URL as the guest sees it
	// (profiles with Update), given to init as FWCfgUpdateURL.
	UpdateURL string
	Code      string // OVMF code: pflash unit 0 (pflash, debian) or -bios image (pvvars)
	Vars      string // this VM's own copy of the var store: raw image or uefi-vars JSON
	// TPM is the control socket of the VM's swtpm (profiles with a TPM).
	TPM string
	// SealedDisk is the sealed-secret data disk (profiles with Sealed).
	SealedDisk string
	// SNPMeasurement is the expected launch digest (hex) of an SNP profile,
	// given to the guest's attest as the fw_cfg item FWCfgMeasurement.
	SNPMeasurement string
}

// FWCfgMeasurement is the fw_cfg item carrying Inputs.SNPMeasurement
// (manx/userland/attest reads it; a test keeps the two equal).
const FWCfgMeasurement = "opt/manx/snp-measurement"

// FWCfgUpdateURL asks the image's init to run `manx update` against the
// URL it holds (userland/cmd/init's fwCfgUpdateURL is its sysfs path).
const FWCfgUpdateURL = "opt/manx/update-url"

// FWCfgTPMEventLog asks the guest's init to print the TPM event log.
const FWCfgTPMEventLog = "opt/manx/tpm-eventlog"

// Runtime is how this QEMU instance runs.
type Runtime struct {
	Accel  string // kvm or tcg
	Serial string // QEMU chardev spec for the serial port, e.g. "file:/tmp/serial.log" or "mon:stdio"
	QMP    string // unix socket path for QMP; empty for none
	Window bool   // show a window (interactive use with a display); else -display none
	MemMiB int
	CPUs   int
	// TSCkHz is the host's TSC rate. Under TCG the guest reads the host's
	// TSC, and a microvm has no HPET or ACPI PM timer to fall back on when
	// the kernel's PIT calibration misses its timing window under
	// emulation (it does, in about one boot of three, and the kernel then
	// hangs). When set, direct kernel boots on a TCG microvm are told the
	// rate with tsc_early_khz= and skip the calibration.
	TSCkHz int
}

// Args returns QEMU's argv (without the binary).
func Args(p profile.Profile, in Inputs, rt Runtime) ([]string, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if rt.MemMiB == 0 {
		rt.MemMiB = 1024
	}
	if rt.CPUs == 0 {
		rt.CPUs = 1
	}
	var missing []string
	need := func(path, what string) string {
		if path == "" {
			missing = append(missing, what)
		}
		return path
	}
	a := []string{"-nodefaults", "-no-user-config"}
	if !p.Reboots {
		a = append(a, "-no-reboot")
	}
	machine := p.Machine
	if p.Machine == profile.MachineMicrovm {
		// Without a PIT the kernel cannot calibrate its clocks under TCG and
		// hangs; the RTC and PIC come with it on a classic PC too.
		machine += ",pit=on,pic=on,rtc=on"
	}
	switch p.Firmware {
	case profile.FirmwarePflash, profile.FirmwareDebian:
		machine += ",smm=on"
	}
	if p.SNP != nil {
		machine += ",confidential-guest-support=sev0,memory-backend=ram1"
	}
	accel := rt.Accel
	if accel == "" {
		accel = "tcg"
	}
	a = append(a, "-machine", machine, "-accel", accel, "-m", fmt.Sprint(rt.MemMiB))
	if p.SNP == nil {
		a = append(a, "-smp", fmt.Sprint(rt.CPUs))
	}
	if p.SNP != nil {
		a = append(a, "-cpu", p.SNP.VCPUType, "-smp", fmt.Sprint(p.SNP.VCPUs),
			"-object", fmt.Sprintf("memory-backend-memfd,id=ram1,size=%dM,share=true,prealloc=false", rt.MemMiB),
			"-object", "sev-snp-guest,id=sev0,cbitpos=51,reduced-phys-bits=1,kernel-hashes=on")
	}
	a = append(a, "-serial", rt.Serial)
	switch p.Firmware {
	case profile.FirmwarePflash, profile.FirmwareDebian:
		a = append(a,
			"-global", "driver=cfi.pflash01,property=secure,value=on",
			"-drive", "if=pflash,format=raw,unit=0,readonly=on,file="+need(in.Code, "firmware code"),
			"-drive", "if=pflash,format=raw,unit=1,file="+need(in.Vars, "var store"))
	case profile.FirmwareAmdSev:
		a = append(a, "-bios", need(in.Code, "firmware"))
	case profile.FirmwarePVVars:
		a = append(a, "-bios", need(in.Code, "firmware"),
			"-device", "uefi-vars-x64,jsonfile="+need(in.Vars, "var store"))
	}
	if p.TPM() {
		// A TPM 2.0 on the CRB interface, emulated by swtpm; OVMF measures
		// the boot into it.
		a = append(a, "-chardev", "socket,id=chrtpm,path="+need(in.TPM, "swtpm socket"),
			"-tpmdev", "emulator,id=tpm0,chardev=chrtpm", "-device", "tpm-crb,tpmdev=tpm0")
		if p.TPMEventLog {
			a = append(a, "-fw_cfg", "name="+FWCfgTPMEventLog+",string=1")
		}
	}
	switch p.Boot {
	case profile.BootKernel:
		a = append(a, "-kernel", need(in.Kernel, "kernel"))
		if p.Initramfs {
			a = append(a, "-initrd", need(in.Initramfs, "initramfs"))
		}
		a = append(a, "-append", p.Append+tscHint(p, accel, rt.TSCkHz))
		if p.SNP != nil {
			// Not measured: the digest covers kernel, initrd and command line.
			a = append(a, "-fw_cfg", "name="+FWCfgMeasurement+",string="+need(in.SNPMeasurement, "expected SNP measurement"))
		}
	case profile.BootESP:
		a = append(a, "-drive", "if=none,id=esp,format=raw,readonly=on,file="+need(in.ESP, "ESP image"),
			"-device", "virtio-blk-pci,drive=esp,bootindex=0")
	case profile.BootDisk:
		a = append(a, "-drive", "if=none,id=disk,format=raw,file="+need(in.Disk, "disk image"),
			"-device", "virtio-blk-pci,drive=disk,bootindex=0")
		if p.Update {
			a = append(a, "-fw_cfg", "name="+FWCfgUpdateURL+",string="+need(in.UpdateURL, "update URL"))
		}
	}
	if p.Sealed {
		a = append(a, "-drive", "if=none,id=sealed,format=raw,readonly=on,file="+need(in.SealedDisk, "sealed-secret disk"),
			"-device", "virtio-blk-pci,drive=sealed", "-rtc", "base="+profile.RTCBase)
	}
	if p.Network {
		// User networking, not restricted: the guest reaches the host's
		// loopback (the OS package server) as 10.0.2.2.
		// virtio-rng: entropy for the guest's DHCP client, which under TCG
		// (no RDRAND) otherwise waits minutes for the CRNG.
		a = append(a, "-nic", "user,model=virtio-net-pci", "-device", "virtio-rng-pci")
	}
	switch p.Display {
	case profile.DisplayStd:
		a = append(a, "-device", "VGA")
	case profile.DisplayVirtio:
		a = append(a, "-device", "virtio-gpu-pci")
	}
	if rt.Window && p.Display != profile.DisplayNone {
		a = append(a, "-display", "gtk")
	} else {
		a = append(a, "-display", "none")
	}
	if rt.QMP != "" {
		a = append(a, "-qmp", "unix:"+rt.QMP+",server=on,wait=off")
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("profile %q: missing inputs: %v", p.ID, missing)
	}
	return a, nil
}

func tscHint(p profile.Profile, accel string, khz int) string {
	if p.Machine != profile.MachineMicrovm || accel != "tcg" || khz <= 0 {
		return ""
	}
	return fmt.Sprintf(" tsc_early_khz=%d", khz)
}

// Render formats argv for people and golden files: one option and its value
// per line, shell-continued.
func Render(args []string) string {
	var lines []string
	for i := 0; i < len(args); i++ {
		l := args[i]
		if i+1 < len(args) && len(args[i+1]) > 0 && args[i+1][0] != '-' {
			l += " " + shellQuote(args[i+1])
			i++
		}
		lines = append(lines, l)
	}
	return Binary + " \\\n  " + strings.Join(lines, " \\\n  ") + "\n"
}

func shellQuote(s string) string {
	if strings.ContainsAny(s, " \t\"'$\\") {
		return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
	return s
}
