package pipeline

import (
	"context"

	"manx/catalog"
	"manx/internal/toolchain"
	"manx/kernel"
)

// kernel builds catalog.Kernel and catalog.KernelConfig from the pinned
// Linux sources (or with Nix under MANX_TOOLCHAIN=nix).
func (p *Pipeline) kernel(ctx context.Context) error {
	e, err := p.recipeEnv(ctx, catalog.GroupKernel)
	if err != nil {
		return err
	}
	if nix, err := toolchain.AsNix(e.Toolchain); err == nil {
		return p.nixBuild(ctx, nix, "kernel", catalog.OfStage("kernel"))
	}
	_, err = kernel.Build(ctx, e, catalog.Kernel.Dir())
	return err
}
