package app

import (
	"context"
	"os"
	"path/filepath"

	"manx/internal/pins"
	"manx/internal/setup"
	"manx/internal/toolchain"
)

// Setup installs or explains the host tools.
func (a *App) Setup(ctx context.Context) error {
	if a.Env.Toolchain == "host" {
		a.Log.Warn("MANX_TOOLCHAIN=host: the build tools (gcc, make, nasm, iasl, ...) must be on the host")
	}
	return setup.Ensure(ctx, setup.RealHost(), a.Log)
}

func (a *App) versionsInputs() (pins.Inputs, error) {
	gomod, err := os.ReadFile(filepath.Join(a.Env.Root, "go.mod"))
	if err != nil {
		return pins.Inputs{}, err
	}
	return pins.Inputs{Pins: a.Pins, GoMod: gomod, Toolchain: toolchain.Packages}, nil
}

// WriteVersions regenerates VERSIONS.md.
func (a *App) WriteVersions() error {
	in, err := a.versionsInputs()
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(a.Env.Root, ".VERSIONS.md-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := pins.RenderVersions(f, in); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	os.Chmod(f.Name(), 0o644)
	return os.Rename(f.Name(), filepath.Join(a.Env.Root, pins.VersionsFile))
}

// CheckVersions fails when VERSIONS.md is stale.
func (a *App) CheckVersions() error {
	in, err := a.versionsInputs()
	if err != nil {
		return err
	}
	return pins.CheckVersionsFile(filepath.Join(a.Env.Root, pins.VersionsFile), in)
}
