package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"manx/internal/esp"
	"manx/internal/stage"

	"manx/deploy/profile"
	"manx/deploy/qemu"
	"manx/deploy/run"
	"manx/firmware/snp"
	"manx/userland/cat"
)

// inputs builds what profile p boots and returns the paths.
func (a *App) inputs(ctx context.Context, p profile.Profile) (qemu.Inputs, error) {
	var in qemu.Inputs
	k, err := a.Kernel(ctx)
	if err != nil {
		return in, err
	}
	in.Kernel = k.Path
	if p.Initramfs {
		i, err := a.Initramfs(ctx)
		if err != nil {
			return in, err
		}
		in.Initramfs = i.Path
	}
	if p.Boot == profile.BootESP {
		if _, err := a.UKIs(ctx); err != nil {
			return in, err
		}
		in.ESP = a.Env.Path("uki", p.UKI) // Prepare turns it into a disk
	}
	if p.VarStore != "" {
		if _, err := a.VarStores(); err != nil {
			return in, err
		}
	}
	switch p.Firmware {
	case profile.FirmwarePflash:
		if _, err := a.Firmware(ctx, p.Firmware); err != nil {
			return in, err
		}
		in.Code = a.Env.Path("firmware", p.Firmware, "OVMF_CODE.fd")
		in.Vars = a.Env.Path(VarStoreDir, varsFile(p.VarStore, "fd"))
	case profile.FirmwarePVVars:
		if _, err := a.Firmware(ctx, p.Firmware); err != nil {
			return in, err
		}
		in.Code = a.Env.Path("firmware", p.Firmware, "OVMF.fd")
		in.Vars = a.Env.Path(VarStoreDir, varsFile(p.VarStore, "json"))
	case profile.FirmwareAmdSev:
		if !snpHost() {
			return in, a.refuseSNP(ctx)
		}
		in.Code = a.Env.Path(AmdSevFirmware)
		snpIn, err := a.SNPInputs(ctx)
		if err != nil {
			return in, err
		}
		d, err := snp.Measure(snpIn)
		if err != nil {
			return in, err
		}
		in.SNPMeasurement = d.String()
	case profile.FirmwareDebian:
		in.Code = DebianSecbootCode
		in.Vars = a.Env.Path(VarStoreDir, varsFile(p.VarStore, "fd"))
	}
	if err := a.stbootInputs(ctx, p, &in); err != nil {
		return in, err
	}
	return in, nil
}

// DebianSecbootCode is Debian's own Secure Boot OVMF (package ovmf), the
// independent oracle for our variable stores and signatures.
const DebianSecbootCode = "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd"

func varsFile(kind, ext string) string {
	return "OVMF_VARS_" + strings.ToUpper(kind) + "." + ext
}

// prepareVM gives each VM its own copy of its var store (firmware and QEMU
// write to it) and turns the UKI into an ESP disk image.
func (a *App) prepareVM(dir string, in *qemu.Inputs) error {
	if in.Vars != "" {
		dst := filepath.Join(dir, filepath.Base(in.Vars))
		if err := stage.CopyFileAtomic(in.Vars, dst, 0o644); err != nil {
			return err
		}
		in.Vars = dst
	}
	if in.ESP != "" {
		efi, err := os.ReadFile(in.ESP)
		if err != nil {
			return err
		}
		img, err := esp.Build(map[string][]byte{"EFI/BOOT/BOOTX64.EFI": efi}, a.Env.Epoch, esp.Options{})
		if err != nil {
			return fmt.Errorf("building the ESP: %w", err)
		}
		in.ESP = filepath.Join(dir, "esp.img")
		if err := os.WriteFile(in.ESP, img, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func (a *App) runOptions(ctx context.Context, kernel string) run.Options {
	return run.Options{
		Accel:   run.Accel(ctx, kernel, a.Env.CacheDir, a.Log),
		LogDir:  a.Env.LogDir,
		Screen:  screenHasCat,
		Log:     a.Log,
		Prepare: a.prepareVM,
		Serve:   a.serveOSPackages,
	}
}

// screenHasCat is the screen check of graphical profiles.
func screenHasCat(ppm []byte) error {
	img, err := cat.DecodePPM(ppm)
	if err != nil {
		return err
	}
	if r := cat.Compare(img); !r.OK() {
		return errors.New(r.String())
	}
	return nil
}

// Deploy boots a profile interactively.
func (a *App) Deploy(ctx context.Context, id string) error {
	p, err := profile.Find(id)
	if err != nil {
		return err
	}
	in, err := a.inputs(ctx, p)
	if err != nil {
		return err
	}
	o := a.runOptions(ctx, in.Kernel)
	if p.SNP != nil {
		o.Accel = "kvm"
	}
	return run.Interactive(ctx, p, in, o)
}

// CheckProfile boots a profile headless and asserts its outcome.
func (a *App) CheckProfile(ctx context.Context, id string) (run.Result, error) {
	p, err := profile.Find(id)
	if err != nil {
		return run.Result{}, err
	}
	in, err := a.inputs(ctx, p)
	if err != nil {
		return run.Result{Profile: p.ID}, err
	}
	o := a.runOptions(ctx, in.Kernel)
	if p.SNP != nil {
		o.Accel = "kvm"
	}
	return run.Check(ctx, p, in, o)
}
