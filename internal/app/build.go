package app

import (
	"context"
	"fmt"

	"manx/firmware/edk2"
	"manx/internal/recipe"
)

// Artefact groups BuildOne knows.
const (
	ArtKernel    = "kernel"
	ArtInitramfs = "initramfs"
	ArtFirmware  = "firmware"
	ArtVarStore  = "varstore"
	ArtUKI       = "uki"
	ArtStboot    = "stboot"
	ArtMeasure   = "measure"
)

// BuildOne builds one artefact group and reports its files.
func (a *App) BuildOne(ctx context.Context, what string) error {
	arts, err := a.build(ctx, what)
	for _, x := range arts {
		a.Report(x.Path, x.SHA256)
	}
	return err
}

func (a *App) build(ctx context.Context, what string) ([]recipe.Artefact, error) {
	switch what {
	case ArtKernel:
		k, err := a.Kernel(ctx)
		return []recipe.Artefact{k}, err
	case ArtInitramfs:
		i, err := a.Initramfs(ctx)
		return []recipe.Artefact{i}, err
	case ArtVarStore:
		return a.VarStores()
	case ArtUKI:
		return a.UKIs(ctx)
	case ArtStboot:
		return a.Stboot(ctx)
	case ArtMeasure:
		m, err := a.Measure(ctx)
		return []recipe.Artefact{m}, err
	case ArtFirmware:
		var all []recipe.Artefact
		for _, v := range edk2.Variants {
			arts, err := a.Firmware(ctx, v.Name)
			if err != nil {
				return all, err
			}
			all = append(all, arts...)
		}
		return all, nil
	}
	return nil, fmt.Errorf("unknown artefact group %q", what)
}

// BuildAll sets up the host and builds everything, then lists the artefacts.
func (a *App) BuildAll(ctx context.Context) error {
	if err := a.Setup(ctx); err != nil {
		return err
	}
	var all []recipe.Artefact
	for _, what := range AllGroups {
		arts, err := a.build(ctx, what)
		if err != nil {
			return err
		}
		all = append(all, arts...)
	}
	for _, x := range all {
		a.Report(x.Path, x.SHA256)
	}
	return nil
}
