package pipeline

import (
	"context"
	"fmt"
	"slices"

	"manx/catalog"
	"manx/firmware/edk2"
	"manx/internal/toolchain"
)

// firmware builds every OVMF variant from EDK II source (or with Nix).
func (p *Pipeline) firmware(ctx context.Context) error {
	for _, v := range edk2.Variants {
		if err := p.firmwareVariant(ctx, v); err != nil {
			return err
		}
	}
	return nil
}

// firmwareVariant builds one variant into the directory of its catalogue
// entries, which must name exactly the files the variant's build emits.
func (p *Pipeline) firmwareVariant(ctx context.Context, v edk2.Variant) error {
	arts := catalog.OfStage(v.Name)
	var names []string
	for _, a := range arts {
		names = append(names, a.Base())
	}
	if len(arts) == 0 || !slices.Equal(names, v.Outputs) {
		return fmt.Errorf("firmware %s: the catalogue lists %v, the build emits %v", v.Name, names, v.Outputs)
	}
	e, err := p.recipeEnv(ctx, catalog.GroupFirmware)
	if err != nil {
		return err
	}
	if nix, err := toolchain.AsNix(e.Toolchain); err == nil {
		return p.nixBuild(ctx, nix, v.Name, arts)
	}
	_, err = edk2.Build(ctx, e, v, arts[0].Dir())
	return err
}
