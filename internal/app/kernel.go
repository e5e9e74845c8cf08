package app

import (
	"context"
	"fmt"

	"manx/firmware/edk2"
	"manx/internal/recipe"
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
	return edk2.Build(ctx, e, v)
}
