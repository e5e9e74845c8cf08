package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"manx/firmware/edk2"
	"manx/internal/recipe"
	"manx/internal/toolchain"
	"manx/kernel"
)

// Recipe returns the environment recipes run in.
func (a *App) Recipe(ctx context.Context) (recipe.Env, error) {
	tc, err := a.Toolchain(ctx)
	if err != nil {
		return recipe.Env{}, err
	}
	return recipe.Env{
		Pins: a.Pins, Fetch: a.Fetch, Toolchain: tc, BuildDir: a.Env.BuildDir,
		LogDir: a.Env.LogDir, Epoch: a.Env.Epoch, Log: a.Log,
	}, nil
}

// Kernel builds (or finds fresh) the kernel.
func (a *App) Kernel(ctx context.Context) (recipe.Artefact, error) {
	e, err := a.Recipe(ctx)
	if err != nil {
		return recipe.Artefact{}, err
	}
	if nix, err := toolchain.AsNix(e.Toolchain); err == nil {
		arts, err := a.nixBuild(ctx, nix, "kernel", "kernel", []string{"bzImage", "config"})
		if err != nil {
			return recipe.Artefact{}, err
		}
		return arts[0], nil
	}
	return kernel.Build(ctx, e)
}

// Firmware builds (or finds fresh) one OVMF variant.
func (a *App) Firmware(ctx context.Context, name string) ([]recipe.Artefact, error) {
	v, ok := edk2.Find(name)
	if !ok {
		return nil, fmt.Errorf("no firmware variant %q", name)
	}
	e, err := a.Recipe(ctx)
	if err != nil {
		return nil, err
	}
	if nix, err := toolchain.AsNix(e.Toolchain); err == nil {
		return a.nixBuild(ctx, nix, v.Name, filepath.Join("firmware", v.Name), v.Outputs)
	}
	return edk2.Build(ctx, e, v)
}

// nixBuild builds a flake output with MANX_TOOLCHAIN=nix and copies its
// files into build/<dir>. Nix caches by its own derivation hashes, so this
// always asks Nix (a no-op when the store has the output).
func (a *App) nixBuild(ctx context.Context, nix *toolchain.Nix, attr, dir string, files []string) ([]recipe.Artefact, error) {
	out := a.Env.Path(dir)
	if err := os.MkdirAll(a.Env.LogDir, 0o755); err != nil {
		return nil, err
	}
	logFile := filepath.Join(a.Env.LogDir, "nix-"+attr+".log")
	f, err := os.Create(logFile)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	a.Log.Info("Building with Nix in Podman", "output", ".#"+attr, "log", logFile)
	if err := nix.BuildOutput(ctx, a.Env.Root, attr, out, files, f); err != nil {
		return nil, fmt.Errorf("%w (log: %s)", err, logFile)
	}
	var arts []recipe.Artefact
	for _, name := range files {
		x, err := recipe.Describe(filepath.Join(out, name))
		if err != nil {
			return nil, err
		}
		arts = append(arts, x)
	}
	return arts, nil
}
