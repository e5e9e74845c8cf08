package profile

import (
	"strings"
	"testing"
	"time"
)

func TestMatrixValid(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range All() {
		if err := p.Validate(); err != nil {
			t.Error(err)
		}
		if seen[p.Target()] {
			t.Errorf("duplicate target %s", p.Target())
		}
		seen[p.Target()] = true
	}
}

func TestTarget(t *testing.T) {
	for id, want := range map[string]string{
		"kernel":                              "kernel",
		"kernel,initramfs":                    "kernelInitramfs",
		"uki,sb-pass":                         "ukiSbPass",
		"microvm,kernel,initramfs,serialonly": "microvmKernelInitramfsSerialonly",
	} {
		if got := (Profile{ID: id}).Target(); got != want {
			t.Errorf("Target(%q) = %q, want %q", id, got, want)
		}
	}
}

func TestValidateRejects(t *testing.T) {
	good := Profile{ID: "x", Machine: MachineQ35, Boot: BootKernel, Display: DisplayNone, Expect: []string{"m"}, Timeout: time.Second}
	if err := good.Validate(); err != nil {
		t.Fatalf("Validate(good) = %v", err)
	}
	tests := []struct {
		name string
		mod  func(*Profile)
		want string
	}{
		{"no marker", func(p *Profile) { p.Expect = nil }, "no expected serial marker"},
		{"screen without display", func(p *Profile) { p.Screen = true }, "needs a display"},
		{"esp without ovmf", func(p *Profile) { p.Boot = BootESP; p.UKI = "u.efi" }, "ESP and disk boot need OVMF"},
		{"ovmf without store", func(p *Profile) { p.Firmware = FirmwarePflash }, "needs a var store"},
		{"ovmf on microvm", func(p *Profile) { p.Firmware = FirmwarePflash; p.VarStore = "blank"; p.Machine = MachineMicrovm }, "run on q35"},
		{"no timeout", func(p *Profile) { p.Timeout = 0 }, "no timeout"},
		{"esp with uki and pin", func(p *Profile) {
			p.Firmware, p.VarStore, p.Boot, p.UKI, p.ESPPin = FirmwarePflash, "ms", BootESP, UKISigned, &ShimSigned
		}, "exactly one EFI binary"},
		{"esp without binary", func(p *Profile) { p.Firmware, p.VarStore, p.Boot = FirmwarePflash, "ms", BootESP }, "exactly one EFI binary"},
		{"pin without path", func(p *Profile) {
			p.Firmware, p.VarStore, p.Boot, p.ESPPin = FirmwarePflash, "ms", BootESP, &PinnedEFI{Pin: "shim-signed"}
		}, "a pin name and a path"},
		{"kernel boot with pin", func(p *Profile) { p.ESPPin = &ShimSigned }, "direct kernel boot takes no"},
		{"negative watch", func(p *Profile) { p.Watch.Window = -time.Second }, "negative watch window"},
		{"watch both ways", func(p *Profile) { p.Watch = Watch{UntilPowerOff: true, Window: time.Second} }, "either until power-off or a window"},
	}
	for _, tt := range tests {
		p := good
		tt.mod(&p)
		if err := p.Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: Validate() = %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestFind(t *testing.T) {
	if p, err := Find("kernelInitramfs"); err != nil || p.ID != "kernel,initramfs" {
		t.Errorf("Find(kernelInitramfs) = %v, %v", p.ID, err)
	}
	if _, err := Find("nope"); err == nil || !strings.Contains(err.Error(), "kernel,initramfs") {
		t.Errorf("Find(nope) = %v, want an error listing the profiles", err)
	}
}

func TestValidateThen(t *testing.T) {
	var rollback Profile
	for _, p := range All() {
		if len(p.Then) > 0 {
			rollback = p
		}
	}
	if rollback.ID == "" {
		t.Fatal("no profile with a boot sequence")
	}
	if err := rollback.Validate(); err != nil {
		t.Fatal(err)
	}
	other := rollback
	other.Then = append([]Profile(nil), rollback.Then...)
	other.Then[0].InitramfsFile = StbootInitramfsThreshold2
	if err := other.Validate(); err == nil {
		t.Error("a later boot with another initramfs validated")
	}
	fresh := rollback
	fresh.TPMState = ""
	if err := fresh.Validate(); err == nil {
		t.Error("a boot sequence without a persistent TPM validated")
	}
}
