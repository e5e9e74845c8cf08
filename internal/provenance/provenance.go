// Package provenance finds what an artefact group is made from in the
// repository and the newest commit that touched it: the group's inputs as
// the catalogue declares them (catalog.GroupInputs), resolved to files
// with one `go list -deps` over the Go packages, and `git log` over those
// files. manx/pipeline stamps each group's artefacts with that commit.
package provenance

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"manx/catalog"
	"manx/internal/buildenv"
	"manx/internal/gobuild"
)

// Resolver resolves the inputs of the repository at Root.
type Resolver struct {
	Root string
	Log  *slog.Logger

	once sync.Once
	pkgs map[string]goPackage
	err  error
}

// Newest returns the time and name ("g" + 12 hex digits) of the newest
// commit that touched any of files; ok is false outside a git checkout or
// before the first commit.
func (r *Resolver) Newest(ctx context.Context, files []string) (st buildenv.Stamp, ok bool, err error) {
	args := append([]string{"-C", r.Root, "log", "-1", "--format=%ct %h", "--abbrev=12", "--"}, files...)
	out, err := exec.CommandContext(ctx, "git", args...).Output()
	fields := strings.Fields(string(out))
	if err != nil || len(fields) != 2 {
		return st, false, nil
	}
	epoch, err := buildenv.ParseEpoch(fields[0])
	if err != nil {
		return st, false, fmt.Errorf("git log: %w", err)
	}
	return buildenv.Stamp{Epoch: epoch, Version: "g" + fields[1]}, true, nil
}

// Files lists group g's input files, relative to the repository root,
// sorted: its Files, every non-test source and embedded file of its
// Compiled packages' manx dependency closure and of its Recipe packages,
// and those of the groups it contains.
func (r *Resolver) Files(ctx context.Context, g catalog.Group) ([]string, error) {
	pkgs, err := r.goPackages(ctx)
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
func (r *Resolver) goPackages(ctx context.Context) (map[string]goPackage, error) {
	r.once.Do(func() {
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
		cmd.Dir = r.Root
		cmd.Env = append(os.Environ(), gobuild.Env("")...)
		out, err := cmd.Output()
		if err != nil {
			r.err = fmt.Errorf("go list -deps of the artefacts' Go packages: %w", err)
			return
		}
		r.pkgs = map[string]goPackage{}
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			f := strings.Split(line, "\t")
			if len(f) != 4 || !strings.HasPrefix(f[0], "manx/") {
				continue
			}
			rel, err := filepath.Rel(r.Root, f[1])
			if err != nil {
				r.err = err
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
			r.pkgs[f[0]] = pk
		}
		r.Log.Debug("Listed the artefacts' Go packages", "packages", len(r.pkgs), "elapsed", time.Since(start).Round(time.Millisecond))
	})
	return r.pkgs, r.err
}
