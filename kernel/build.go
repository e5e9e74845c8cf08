package kernel

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"manx/internal/recipe"
	"manx/internal/stage"
)

//go:embed config/*.fragment
var fragmentFS embed.FS

//go:embed configure.sh
var configureScript string

//go:embed build.sh
var buildScript string

// PinName is the kernel source pin in pins.json.
const PinName = "linux"

// Fragments returns the checked-in fragments, in merge order.
func Fragments() (names []string, frags []Config, err error) {
	ents, err := fs.Glob(fragmentFS, "config/*.fragment")
	if err != nil {
		return nil, nil, err
	}
	sort.Strings(ents)
	for _, e := range ents {
		b, err := fragmentFS.ReadFile(e)
		if err != nil {
			return nil, nil, err
		}
		c, err := ParseConfig(bytes.NewReader(b), "kernel/"+e)
		if err != nil {
			return nil, nil, err
		}
		names = append(names, e)
		frags = append(frags, c)
	}
	return names, frags, nil
}

// Stage describes the kernel build.
func Stage() (recipe.Stage, error) {
	names, frags, err := Fragments()
	if err != nil {
		return recipe.Stage{}, err
	}
	inputs := map[string]string{}
	for _, n := range names {
		b, _ := fragmentFS.ReadFile(n)
		inputs[n] = string(b)
	}
	requested := Merge(frags...)
	return recipe.Stage{
		Name: "kernel", Pin: PinName, Inputs: inputs,
		Outputs: []string{"bzImage", "config"},
		Note:    "about 10 minutes on 2 cores",
		Steps: []recipe.Step{
			{Name: "kernel-configure", Script: configureScript, Check: func(out string) error {
				b, err := os.ReadFile(filepath.Join(out, "config"))
				if err != nil {
					return err
				}
				final, err := ParseConfig(bytes.NewReader(b), "kernel .config")
				if err != nil {
					return err
				}
				return Check(requested, final)
			}},
			{Name: "kernel-build", Script: buildScript},
		},
	}, nil
}

// Build produces bzImage and config in outDir (relative to the build
// directory; the artefact catalogue names it), or returns at once when they
// are fresh.
func Build(ctx context.Context, e recipe.Env, outDir string) (recipe.Artefact, error) {
	s, err := Stage()
	if err != nil {
		return recipe.Artefact{}, err
	}
	s.OutDir = outDir
	arts, err := s.Run(ctx, e, func(work string) error {
		names, _, _ := Fragments()
		dir := filepath.Join(work, "fragments")
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
		for _, n := range names {
			b, _ := fragmentFS.ReadFile(n)
			if err := stage.WriteFileAtomic(filepath.Join(dir, filepath.Base(n)), b, 0o644); err != nil {
				return fmt.Errorf("writing fragments: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return recipe.Artefact{}, err
	}
	return arts[0], nil
}
