// Package vm turns a boot profile and a build directory into a running VM:
// which artefact groups the profile needs (so the pipeline builds them
// first), the QEMU inputs resolved from the artefact catalogue, the per-VM
// state (a private copy of the var store, the ESP disk image), what the VM
// talks to on the host (the stboot OS package server) and the screen check.
// It builds nothing: every file it reads must already be in the build
// directory, except an EFI binary a profile takes from a pinned package
// (profile.Profile.ESPPin), which it fetches and extracts before booting.
package vm

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"manx/catalog"
	"manx/deploy/osserver"
	"manx/deploy/profile"
	"manx/deploy/qemu"
	"manx/deploy/run"
	"manx/internal/buildenv"
	"manx/internal/esp"
	"manx/internal/stage"
	"manx/userland/mascot"
)

// Config is where a VM's inputs are and where its logs go.
type Config struct {
	Root      string // the repository root: pins.json
	BuildDir  string
	CacheDir  string // the KVM probe's answer is cached here
	LogDir    string
	Epoch     time.Time // timestamps of the ESP image
	OspkgPort int       // the stboot OS package server's port
	Log       *slog.Logger
}

// FromEnv is the Config of a build environment.
func FromEnv(e *buildenv.Env, log *slog.Logger) Config {
	return Config{Root: e.Root, BuildDir: e.BuildDir, CacheDir: e.CacheDir, LogDir: e.LogDir, Epoch: e.Epoch, OspkgPort: e.OspkgPort, Log: log}
}

// Groups lists the artefact groups profile p boots from.
func Groups(p profile.Profile) []catalog.Group {
	gs := []catalog.Group{catalog.GroupKernel}
	if p.Initramfs {
		gs = append(gs, catalog.GroupInitramfs)
	}
	if p.Firmware == profile.FirmwarePflash || p.Firmware == profile.FirmwarePVVars || p.Firmware == profile.FirmwareAmdSev {
		gs = append(gs, catalog.GroupFirmware)
	}
	if p.VarStore != "" {
		gs = append(gs, catalog.GroupVarStore)
	}
	for _, a := range []string{p.UKI, p.InitramfsFile, p.Disk} {
		if art, err := catalog.Find(a); err == nil && a != "" {
			gs = append(gs, art.Group)
		}
	}
	if p.Serve != "" {
		gs = append(gs, catalog.GroupStboot)
	}
	return gs
}

// Inputs resolves what p boots from the build directory.
func Inputs(c Config, p profile.Profile) (qemu.Inputs, error) {
	in := qemu.Inputs{Kernel: catalog.Kernel.In(c.BuildDir)}
	if p.Initramfs {
		art := catalog.Initramfs
		if p.InitramfsFile != "" {
			var err error
			if art, err = catalog.Find(p.InitramfsFile); err != nil {
				return in, fmt.Errorf("profile %s: %w", p.ID, err)
			}
		}
		in.Initramfs = art.In(c.BuildDir)
	}
	if p.Boot == profile.BootESP && p.ESPPin != nil {
		in.ESP = c.pinnedEFIPath(*p.ESPPin) // extractPinned puts it there
	} else if p.Boot == profile.BootESP {
		art, err := catalog.Find(p.UKI)
		if err != nil {
			return in, fmt.Errorf("profile %s: %w", p.ID, err)
		}
		in.ESP = art.In(c.BuildDir) // Prepare turns it into a disk
	}
	if p.Boot == profile.BootDisk {
		art, err := catalog.Find(p.Disk)
		if err != nil {
			return in, fmt.Errorf("profile %s: %w", p.ID, err)
		}
		in.Disk = art.In(c.BuildDir) // Prepare gives the VM its own copy
		if p.Update {
			in.UpdateURL = fmt.Sprintf("http://%s:%d/%s", osserver.GuestHostAddr, c.OspkgPort, osserver.DescriptorName)
		}
	}
	vars := func(form string) (string, error) {
		art, err := catalog.VarStore(p.VarStore, form)
		if err != nil {
			return "", fmt.Errorf("profile %s: %w", p.ID, err)
		}
		return art.In(c.BuildDir), nil
	}
	var err error
	switch p.Firmware {
	case profile.FirmwarePflash:
		in.Code = catalog.OVMFPflashCode.In(c.BuildDir)
		in.Vars, err = vars("fd")
	case profile.FirmwarePVVars:
		in.Code = catalog.OVMFPVVars.In(c.BuildDir)
		in.Vars, err = vars("json")
	case profile.FirmwareDebian:
		in.Code = DebianSecbootCode
		in.Vars, err = vars("fd")
	case profile.FirmwareAmdSev:
		in.Code = catalog.OVMFAmdSev.In(c.BuildDir)
		in.SNPMeasurement, err = expectedMeasurement(c.BuildDir)
	}
	if err != nil {
		return in, err
	}
	for _, f := range []string{in.Kernel, in.Initramfs, in.ESP, in.Disk, in.Code, in.Vars} {
		if _, err := os.Stat(f); f != "" && err != nil {
			return in, fmt.Errorf("profile %s boots %s, which is not built (go run mage.go deploy:check %q builds it): %w", p.ID, f, p.ID, err)
		}
	}
	return in, nil
}

// DebianSecbootCode is Debian's own Secure Boot OVMF (package ovmf), the
// independent oracle for our variable stores and signatures.
const DebianSecbootCode = "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd"

// Options are the run options of VMs under c.
func Options(ctx context.Context, c Config) run.Options {
	return run.Options{
		Accel:   run.Accel(ctx, catalog.Kernel.In(c.BuildDir), c.CacheDir, c.Log),
		LogDir:  c.LogDir,
		Screen:  ScreenHasMascot,
		Log:     c.Log,
		Prepare: c.prepare,
		After:   c.after,
		TPM:     c.startTPM,
		Serve: func(p profile.Profile) (func(), error) {
			if p.Serve == "" {
				return func() {}, nil
			}
			return osserver.ServeScenario(c.BuildDir, c.OspkgPort, p.Serve, c.Log.With("profile", p.ID))
		},
	}
}

// prepare gives each VM its own copy of its var store (firmware and QEMU
// write to it) and of its disk image (disk boot), and turns the EFI binary (a UKI, or a pinned one) into an
// ESP disk image.
func (c Config) prepare(dir string, in *qemu.Inputs) error {
	if in.Vars != "" {
		dst := filepath.Join(dir, filepath.Base(in.Vars))
		if err := stage.CopyFileAtomic(in.Vars, dst, 0o644); err != nil {
			return err
		}
		in.Vars = dst
	}
	if in.Disk != "" {
		// The guest writes it: systemd-boot's counters, init's blessing.
		dst := filepath.Join(dir, filepath.Base(in.Disk))
		if err := stage.CopyFileAtomic(in.Disk, dst, 0o644); err != nil {
			return err
		}
		in.Disk = dst
	}
	if in.ESP != "" {
		efi, err := os.ReadFile(in.ESP)
		if err != nil {
			return err
		}
		img, err := esp.Build(map[string][]byte{"EFI/BOOT/BOOTX64.EFI": efi}, c.Epoch, esp.Options{})
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

// ScreenHasMascot is the screen check of graphical profiles: Manx's cat.
func ScreenHasMascot(ppm []byte) error {
	img, err := mascot.DecodePPM(ppm)
	if err != nil {
		return err
	}
	if r := mascot.Compare(img); !r.OK() {
		return errors.New(r.String())
	}
	return nil
}

// Check boots p headless from c's build directory and asserts its outcome.
// An SEV-SNP profile on a host without SNP returns an error wrapping
// ErrNoSNP that names the expected measurement.
func Check(ctx context.Context, c Config, p profile.Profile) (run.Result, error) {
	if err := c.extractPinned(ctx, p); err != nil {
		return run.Result{Profile: p.ID}, err
	}
	in, err := Inputs(c, p)
	if err != nil {
		return run.Result{Profile: p.ID}, err
	}
	o := Options(ctx, c)
	if p.SNP != nil {
		if !SNPHost() {
			return run.Result{Profile: p.ID}, refuseSNP(in.SNPMeasurement, p)
		}
		o.Accel = "kvm"
	}
	if p.TPMFresh {
		if err := os.RemoveAll(c.tpmState(p, "")); err != nil {
			return run.Result{Profile: p.ID}, err
		}
	}
	res, err := c.checkOne(ctx, p, in, o)
	for i, q := range p.Then {
		if err != nil {
			break
		}
		var next run.Result
		if next, err = c.checkOne(ctx, q, in, o); err != nil {
			err = fmt.Errorf("profile %s, boot %d of %d: %w", p.ID, i+2, len(p.Then)+1, err)
		}
		res.Markers = append(res.Markers, next.Markers...)
		res.SerialLog = next.SerialLog
	}
	return res, err
}

// checkOne is one boot of Check: p's measured-boot expectations, the
// boot, the TOTP check.
func (c Config) checkOne(ctx context.Context, p profile.Profile, in qemu.Inputs, o run.Options) (run.Result, error) {
	p, m, err := c.measure(ctx, p)
	if err != nil {
		return run.Result{Profile: p.ID}, err
	}
	in.SealedDisk = m.disk
	res, err := run.Check(ctx, p, in, o)
	serial, _ := os.ReadFile(res.SerialLog)
	switch {
	case err != nil && m.prediction != nil:
		return res, fmt.Errorf("%w\n--- measured boot ---\n%s", err, explainPCRs(string(serial), p, m.prediction))
	case err == nil && m.secret != nil && slices.ContainsFunc(p.Expect, func(e string) bool { return strings.HasPrefix(e, profile.MarkerUnsealed) }):
		if err := checkTOTP(string(serial), m.secret); err != nil {
			return res, fmt.Errorf("profile %s: %w", p.ID, err)
		}
	}
	return res, err
}

// Interactive boots p for a person at this terminal.
func Interactive(ctx context.Context, c Config, p profile.Profile) error {
	if err := c.extractPinned(ctx, p); err != nil {
		return err
	}
	in, err := Inputs(c, p)
	if err != nil {
		return err
	}
	o := Options(ctx, c)
	if p.SNP != nil {
		if !SNPHost() {
			return refuseSNP(in.SNPMeasurement, p)
		}
		o.Accel = "kvm"
	}
	p, m, err := c.measure(ctx, p)
	if err != nil {
		return err
	}
	in.SealedDisk = m.disk
	return run.Interactive(ctx, p, in, o)
}
