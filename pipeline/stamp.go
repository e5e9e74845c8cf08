package pipeline

import (
	"context"
	"fmt"
	"io"
	"time"

	"manx/catalog"
	"manx/internal/buildenv"
	"manx/internal/recipe"
)

// Stamp returns group g's SOURCE_DATE_EPOCH and version: those of the
// newest commit that touched its inputs (catalog.GroupInputs, with the
// groups it contains), so a commit that touches only orchestration, tests,
// docs or another group's inputs leaves g's artefacts byte-identical.
// SOURCE_DATE_EPOCH and MANX_VERSION, when set, stamp every group;
// MANX_STAMPS pins single groups (a rebuild from a copy without history).
// Outside a git checkout it is the repository's epoch and version.
func (p *Pipeline) Stamp(ctx context.Context, g catalog.Group) (buildenv.Stamp, error) {
	p.stampsMu.Lock()
	defer p.stampsMu.Unlock()
	if st, ok := p.stamps[g]; ok {
		return st, nil
	}
	st, err := p.commitStamp(ctx, g)
	if err != nil {
		return st, err
	}
	if g == catalog.GroupFirmware {
		// EDK II stages are epoch-free: they run with a fixed epoch
		// whatever the commit time (recipe.Stage.EpochFree).
		st.Epoch = time.Unix(recipe.FixedEpoch, 0).UTC()
	}
	if p.stamps == nil {
		p.stamps = map[catalog.Group]buildenv.Stamp{}
	}
	p.stamps[g] = st
	return st, nil
}

// commitStamp is g's newest input commit, or what the environment pins.
func (p *Pipeline) commitStamp(ctx context.Context, g catalog.Group) (buildenv.Stamp, error) {
	if s, ok := p.Env.Stamps[string(g)]; ok {
		return s, nil
	}
	st := buildenv.Stamp{Epoch: p.Env.Epoch, Version: p.Env.Version}
	if p.Env.EpochFromEnv && p.Env.VersionFromEnv {
		return st, nil
	}
	files, err := p.InputFiles(ctx, g)
	if err != nil {
		return st, err
	}
	newest, ok, err := p.inputs.Newest(ctx, files)
	if err != nil || !ok {
		return st, err // not a checkout (or no commit yet): the repository's stamp
	}
	if !p.Env.EpochFromEnv {
		st.Epoch = newest.Epoch
	}
	if !p.Env.VersionFromEnv {
		st.Version = newest.Version
	}
	return st, nil
}

// WriteStamps writes one line per group: its epoch, version and how many
// input files it has.
func (p *Pipeline) WriteStamps(ctx context.Context, w io.Writer) error {
	for _, g := range catalog.Groups {
		st, err := p.Stamp(ctx, g)
		if err != nil {
			return err
		}
		files, err := p.InputFiles(ctx, g)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "%-10s %d %s (%d input files)\n", g, st.Epoch.Unix(), st.Version, len(files))
	}
	return nil
}

// Stamps returns every group's stamp.
func (p *Pipeline) Stamps(ctx context.Context) (map[string]buildenv.Stamp, error) {
	out := map[string]buildenv.Stamp{}
	for _, g := range catalog.Groups {
		s, err := p.Stamp(ctx, g)
		if err != nil {
			return nil, err
		}
		out[string(g)] = s
	}
	return out, nil
}

// InputFiles lists group g's input files, relative to the repository root,
// sorted (provenance.Resolver.Files).
func (p *Pipeline) InputFiles(ctx context.Context, g catalog.Group) ([]string, error) {
	return p.inputs.Files(ctx, g)
}
