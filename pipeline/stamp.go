package pipeline

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"manx/catalog"
	"manx/internal/buildenv"
	"manx/internal/gobuild"
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
	args := append([]string{"-C", p.Env.Root, "log", "-1", "--format=%ct %h", "--abbrev=12", "--"}, files...)
	out, err := exec.CommandContext(ctx, "git", args...).Output()
	fields := strings.Fields(string(out))
	if err != nil || len(fields) != 2 {
		return st, nil // not a checkout (or no commit yet): the repository's stamp
	}
	epoch, err := buildenv.ParseEpoch(fields[0])
	if err != nil {
		return st, fmt.Errorf("git log of %s's inputs: %w", g, err)
	}
	if !p.Env.EpochFromEnv {
		st.Epoch = epoch
	}
	if !p.Env.VersionFromEnv {
		st.Version = "g" + fields[1]
	}
	return st, nil
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
// sorted: its Files, every non-test source and embedded file of its
// Compiled packages' manx dependency closure and of its Recipe packages,
// and those of the groups it contains.
func (p *Pipeline) InputFiles(ctx context.Context, g catalog.Group) ([]string, error) {
	pkgs, err := p.goPackages(ctx)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var add func(g catalog.Group) error
	add = func(g catalog.Group) error {
		in, ok := catalog.GroupInputs[g]
		if !ok {
			return fmt.Errorf("artefact group %s declares no inputs", g)
		}
		for _, f := range in.Files {
			seen[f] = true
		}
		var closure []string
		for _, c := range in.Compiled {
			pk, ok := pkgs[c]
			if !ok {
				return fmt.Errorf("group %s: no package %s", g, c)
			}
			closure = append(append(closure, c), pk.deps...)
		}
		closure = append(closure, in.Recipe...)
		for _, ip := range closure {
			pk, ok := pkgs[ip]
			if !ok {
				continue // outside the module: go.mod and go.sum
			}
			for _, f := range pk.files {
				seen[f] = true
			}
		}
		for _, c := range in.Contains {
			if err := add(c); err != nil {
				return err
			}
		}
		return nil
	}
	if err := add(g); err != nil {
		return nil, err
	}
	var out []string
	for f := range seen {
		out = append(out, f)
	}
	slices.Sort(out)
	return out, nil
}

// goPackage is one manx package: its source files (relative to the
// repository root) and its manx dependencies.
type goPackage struct {
	files []string
	deps  []string
}

// goPackages lists, once, every manx package the groups' inputs name with
// their dependency closure, as the guest build sees them (linux/amd64, no
// cgo).
func (p *Pipeline) goPackages(ctx context.Context) (map[string]goPackage, error) {
	p.pkgsOnce.Do(func() {
		var roots []string
		for _, in := range catalog.GroupInputs {
			roots = append(append(roots, in.Compiled...), in.Recipe...)
		}
		slices.Sort(roots)
		roots = slices.Compact(roots)
		start := time.Now()
		args := append([]string{"list", "-deps", "-f",
			"{{.ImportPath}}\t{{.Dir}}\t{{join .GoFiles \" \"}} {{join .EmbedFiles \" \"}}\t{{join .Deps \" \"}}"}, roots...)
		cmd := exec.CommandContext(ctx, "go", args...)
		cmd.Dir = p.Env.Root
		cmd.Env = append(os.Environ(), gobuild.Env("")...)
		out, err := cmd.Output()
		if err != nil {
			p.pkgsErr = fmt.Errorf("go list -deps of the artefacts' Go packages: %w", err)
			return
		}
		p.pkgs = map[string]goPackage{}
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			f := strings.Split(line, "\t")
			if len(f) != 4 || !strings.HasPrefix(f[0], "manx/") {
				continue
			}
			rel, err := filepath.Rel(p.Env.Root, f[1])
			if err != nil {
				p.pkgsErr = err
				return
			}
			var pk goPackage
			for _, name := range strings.Fields(f[2]) {
				pk.files = append(pk.files, filepath.ToSlash(filepath.Join(rel, name)))
			}
			for _, d := range strings.Fields(f[3]) {
				if strings.HasPrefix(d, "manx/") {
					pk.deps = append(pk.deps, d)
				}
			}
			p.pkgs[f[0]] = pk
		}
		p.Log.Debug("Listed the artefacts' Go packages", "packages", len(p.pkgs), "elapsed", time.Since(start).Round(time.Millisecond))
	})
	return p.pkgs, p.pkgsErr
}
