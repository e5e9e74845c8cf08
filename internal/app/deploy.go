package app

import (
	"context"
	"errors"
	"fmt"

	"manx/deploy/profile"
	"manx/deploy/qemu"
	"manx/deploy/run"
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
	if p.Firmware != profile.FirmwareDefault || p.Boot == profile.BootESP {
		return in, fmt.Errorf("profile %s: firmware and UKI profiles are not wired yet", p.ID)
	}
	return in, nil
}

func (a *App) runOptions(ctx context.Context, kernel string) run.Options {
	return run.Options{
		Accel:  run.Accel(ctx, kernel, a.Env.CacheDir, a.Log),
		LogDir: a.Env.LogDir,
		Screen: screenHasCat,
		Log:    a.Log,
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
	return run.Interactive(ctx, p, in, a.runOptions(ctx, in.Kernel))
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
	return run.Check(ctx, p, in, a.runOptions(ctx, in.Kernel))
}
