// Package pipeline is Manx's build graph: one Pipeline per invocation,
// constructed from an explicit build environment, mapping each artefact
// group of the catalogue (manx/catalog) to the function that builds it.
// Each group's step is in a file of its own; this file is the wiring.
package pipeline

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sync"

	"manx/catalog"
	"manx/internal/buildenv"
	"manx/internal/fetch"
	"manx/internal/pins"
	"manx/internal/provenance"
	"manx/internal/recipe"
	"manx/internal/toolchain"
	"manx/sign/keys"
	"manx/sign/siglog"
)

// Build builds one group's artefacts (or finds them fresh).
type Build func(ctx context.Context) error

// Pipeline builds Manx's artefacts for one build environment.
type Pipeline struct {
	Env   *buildenv.Env
	Log   *slog.Logger
	Pins  *pins.List
	Fetch *fetch.Fetcher

	builds map[catalog.Group]Build

	tcOnce sync.Once
	tc     toolchain.Backend
	tcErr  error

	stampsMu sync.Mutex
	stamps   map[catalog.Group]buildenv.Stamp

	inputs *provenance.Resolver

	// GenerateKeys lets Keys generate a new hierarchy in a MANX_KEYS_DIR
	// that holds none (the default keys directory is generated anyway):
	// `mage keys` sets it.
	GenerateKeys bool

	keysOnce sync.Once
	keySet   *keys.Set
	sigs     *siglog.Log
	keysErr  error
}

// Here returns the pipeline of the repository holding the working
// directory.
func Here(log *slog.Logger) (*Pipeline, error) {
	env, err := buildenv.LoadHere()
	if err != nil {
		return nil, err
	}
	return New(env, log)
}

// New returns the pipeline of env.
func New(env *buildenv.Env, log *slog.Logger) (*Pipeline, error) {
	pl, err := pins.Load(filepath.Join(env.Root, pins.File))
	if err != nil {
		return nil, err
	}
	p := &Pipeline{Env: env, Log: log, Pins: pl, Fetch: fetch.New(env.CacheDir, log),
		inputs: &provenance.Resolver{Root: env.Root, Log: log}}
	p.builds = map[catalog.Group]Build{
		catalog.GroupKernel:    p.kernel,
		catalog.GroupInitramfs: p.initramfs,
		catalog.GroupFirmware:  p.firmware,
		catalog.GroupVarStore:  p.varStores,
		catalog.GroupUKI:       p.ukis,
		catalog.GroupStboot:    p.stboot,
		catalog.GroupMeasure:   p.measure,
		catalog.GroupImage:     p.image,
	}
	return p, nil
}

// Build builds the groups, in the order given (each builds what it needs
// first; a finished step is a cache hit).
func (p *Pipeline) Build(ctx context.Context, groups ...catalog.Group) error {
	for _, g := range groups {
		b, ok := p.builds[g]
		if !ok {
			return fmt.Errorf("no build step for artefact group %q", g)
		}
		if err := b(ctx); err != nil {
			return fmt.Errorf("building %s: %w", g, err)
		}
	}
	return nil
}

// All builds every group.
func (p *Pipeline) All(ctx context.Context) error { return p.Build(ctx, catalog.Groups...) }

// Report writes "sha256  path" for every artefact of groups that exists.
func (p *Pipeline) Report(w io.Writer, groups ...catalog.Group) error {
	for _, g := range groups {
		for _, a := range catalog.InGroup(g) {
			x, err := recipe.Describe(a.In(p.Env.BuildDir))
			if err != nil {
				continue // not built (a failed step said why)
			}
			rel, _ := filepath.Rel(p.Env.Root, x.Path)
			fmt.Fprintf(w, "%s  %s\n", x.SHA256, rel)
		}
	}
	return nil
}

// Toolchain returns the configured backend. It is made ready (image built,
// runtime probed) on its first Run, so a no-op build never starts a
// container.
func (p *Pipeline) Toolchain() (toolchain.Backend, error) {
	p.tcOnce.Do(func() {
		p.tc, p.tcErr = toolchain.New(p.Env.Toolchain, toolchain.Options{
			Root: p.Env.Root, CacheDir: p.Env.CacheDir, LogDir: p.Env.LogDir, Epoch: p.Env.Epoch, Log: p.Log,
		})
	})
	return p.tc, p.tcErr
}

// recipeEnv is the environment group g's recipe stages run in.
func (p *Pipeline) recipeEnv(ctx context.Context, g catalog.Group) (recipe.Env, error) {
	tc, err := p.Toolchain()
	if err != nil {
		return recipe.Env{}, err
	}
	st, err := p.Stamp(ctx, g)
	if err != nil {
		return recipe.Env{}, err
	}
	return recipe.Env{
		Pins: p.Pins, Fetch: p.Fetch, Toolchain: tc, BuildDir: p.Env.BuildDir,
		LogDir: p.Env.LogDir, Epoch: st.Epoch, Log: p.Log,
	}, nil
}
