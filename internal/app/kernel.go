package app

import (
	"context"

	"manx/kernel"
)

// Kernel builds (or finds fresh) the kernel.
func (a *App) Kernel(ctx context.Context) (kernel.Artefact, error) {
	tc, err := a.Toolchain(ctx)
	if err != nil {
		return kernel.Artefact{}, err
	}
	return kernel.Build(ctx, kernel.Deps{
		Pins: a.Pins, Fetch: a.Fetch, Toolchain: tc, BuildDir: a.Env.BuildDir,
		LogDir: a.Env.LogDir, Epoch: a.Env.Epoch, Log: a.Log,
	})
}
