package edk2

import (
	"context"
	_ "embed"
	"fmt"
	"strings"

	"manx/internal/recipe"
)

//go:embed build.sh
var buildScript string

// PinName is the EDK II source pin in pins.json.
const PinName = "edk2"

// Threads is build -n: both cores of the reference machine.
const Threads = "2"

// Stage describes one variant's build. Each variant has its own work tree
// (mounted at the same fixed path), so variants never share Build/ output.
func (v Variant) Stage() recipe.Stage {
	return recipe.Stage{
		Name: v.Name, Pin: PinName, Outputs: v.Outputs,
		Env: map[string]string{
			"MANX_DSC":     v.DSC,
			"MANX_OUTDIR":  v.OutDir,
			"MANX_DEFINES": defines(v.Defines),
			"MANX_THREADS": Threads,
		},
		Note:      "7-12 minutes on 2 cores",
		EpochFree: true,
		Steps:     []recipe.Step{{Name: v.Name, Script: buildScript}},
	}
}

func defines(d []string) string {
	if len(d) == 0 {
		return ""
	}
	return "-D " + strings.Join(d, " -D ")
}

// Build builds (or finds fresh) the variant into outDir (relative to the
// build directory; the artefact catalogue names it).
func Build(ctx context.Context, e recipe.Env, v Variant, outDir string) ([]recipe.Artefact, error) {
	s := v.Stage()
	s.OutDir = outDir
	arts, err := s.Run(ctx, e, nil)
	if err != nil {
		return nil, fmt.Errorf("firmware %s: %w", v.Name, err)
	}
	return arts, nil
}
