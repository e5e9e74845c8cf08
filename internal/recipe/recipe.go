// Package recipe runs a cached, logged build stage in the toolchain: fetch
// the pinned source, run one or more scripts with the work tree at a fixed
// path, check the results in Go between steps, and copy the outputs into
// build/ atomically with a stamp of the stage's inputs.
package recipe

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"time"

	"manx/internal/logx"
	"manx/internal/pins"
	"manx/internal/stage"
	"manx/internal/toolchain"
)

// Fetcher provides verified pinned files.
type Fetcher interface {
	Get(ctx context.Context, p pins.Pin) (string, error)
}

// Env is what every recipe needs.
type Env struct {
	Pins      *pins.List
	Fetch     Fetcher
	Toolchain toolchain.Backend
	BuildDir  string
	LogDir    string
	Epoch     time.Time
	Log       *slog.Logger
}

// Step is one script; Check (optional) runs in Go afterwards on the work
// tree's out/ directory.
type Step struct {
	Name   string
	Script string
	Check  func(outDir string) error
}

// Stage is a cached build stage.
type Stage struct {
	Name    string            // stage and log name, e.g. "kernel", "ovmf-pflash"
	Pin     string            // source pin
	Inputs  map[string]string // everything else that changes the output (scripts, configs, flags)
	Env     map[string]string // variables for the scripts
	Steps   []Step
	OutDir  string   // relative to BuildDir, e.g. "kernel" or "firmware/ovmf-pflash"
	Outputs []string // files the scripts leave in $MANX_WORK/out, copied to OutDir
	Note    string   // shown when the stage starts (e.g. expected duration)
	// EpochFree marks a stage whose output embeds no build time (EDK II:
	// GenFw zeroes PE timestamps, firmware volumes carry none, and no OVMF
	// module uses __DATE__). It runs with SOURCE_DATE_EPOCH=FixedEpoch, so
	// that holds by construction, and its cache key leaves the commit time
	// out: a new commit does not rebuild it.
	EpochFree bool
}

// FixedEpoch is the SOURCE_DATE_EPOCH of EpochFree stages: 1980-01-01, the
// earliest time every archive format can hold.
const FixedEpoch = 315532800

// Artefact is a built file.
type Artefact struct {
	Name   string
	Path   string
	SHA256 string
	Size   int64
}

// Key is the stage's cache key.
func (s Stage) Key(e Env) (string, error) {
	p, err := e.Pins.Get(s.Pin)
	if err != nil {
		return "", err
	}
	k := stage.NewKey(s.Name).String("pin", p.SHA256).String("toolchain", e.Toolchain.ID()).
		String("epoch", fmt.Sprint(s.epoch(e).Unix()))
	for _, n := range slices.Sorted(maps.Keys(s.Inputs)) {
		k.String("input:"+n, s.Inputs[n])
	}
	for _, n := range slices.Sorted(maps.Keys(s.Env)) {
		k.String("env:"+n, s.Env[n])
	}
	for _, st := range s.Steps {
		k.String("step:"+st.Name, st.Script)
	}
	return k.Sum(), nil
}

// epoch is the SOURCE_DATE_EPOCH the stage's scripts see.
func (s Stage) epoch(e Env) time.Time {
	if s.EpochFree {
		return time.Unix(FixedEpoch, 0).UTC()
	}
	return e.Epoch
}

// WorkDir is the stage's work tree on the host (mounted at /manx/work).
func (s Stage) WorkDir(e Env) string { return filepath.Join(e.BuildDir, "work", s.Name) }

// Run builds the stage unless its outputs are fresh, and describes them.
func (s Stage) Run(ctx context.Context, e Env, prepare func(workDir string) error) ([]Artefact, error) {
	if s.OutDir == "" {
		return nil, fmt.Errorf("stage %s: no output directory", s.Name)
	}
	out := filepath.Join(e.BuildDir, s.OutDir)
	key, err := s.Key(e)
	if err != nil {
		return nil, err
	}
	if stage.Fresh(out, key, s.Outputs...) {
		return describeAll(out, s.Outputs)
	}
	// Another process may be building this stage: wait for it, then look again.
	unlock, err := stage.Lock(filepath.Join(e.BuildDir, "work", s.Name+".lock"))
	if err != nil {
		return nil, err
	}
	defer unlock()
	if stage.Fresh(out, key, s.Outputs...) {
		return describeAll(out, s.Outputs)
	}
	if err := stage.Invalidate(out); err != nil {
		return nil, err
	}
	p, _ := e.Pins.Get(s.Pin)
	tarball, err := e.Fetch.Get(ctx, p)
	if err != nil {
		return nil, err
	}
	work := s.WorkDir(e)
	if err := os.RemoveAll(filepath.Join(work, "out")); err != nil {
		return nil, err
	}
	if prepare != nil {
		if err := prepare(work); err != nil {
			return nil, fmt.Errorf("%s: %w", s.Name, err)
		}
	}
	log, err := logx.OpenStage(e.Log, e.LogDir, s.Name, 30*time.Second)
	if err != nil {
		return nil, err
	}
	defer log.Close()
	mounts := []toolchain.Mount{
		{Var: "MANX_WORK", Host: work, Guest: "/manx/work"},
		{Var: "MANX_DL", Host: filepath.Dir(tarball), Guest: "/manx/dl", ReadOnly: true},
	}
	env := map[string]string{"MANX_TARBALL": filepath.Base(tarball), "SOURCE_DATE_EPOCH": fmt.Sprint(s.epoch(e).Unix())}
	for k, v := range s.Env {
		env[k] = v
	}
	start := time.Now()
	e.Log.Info("Building "+s.Name, "source", p.Name+" "+p.Version, "toolchain", e.Toolchain.Name(), "log", log.Path, "note", s.Note)
	for _, st := range s.Steps {
		if err := e.Toolchain.Run(ctx, toolchain.Step{Name: st.Name, Script: st.Script, Mounts: mounts, Env: env, Out: log}); err != nil {
			return nil, fmt.Errorf("%w\n--- %s (last lines) ---\n%s", err, log.Path, log.Tail(30))
		}
		if st.Check != nil {
			if err := st.Check(filepath.Join(work, "out")); err != nil {
				return nil, err
			}
		}
	}
	for _, f := range s.Outputs {
		if err := stage.CopyFileAtomic(filepath.Join(work, "out", f), filepath.Join(out, f), 0o644); err != nil {
			return nil, fmt.Errorf("%s: collecting %s: %w", s.Name, f, err)
		}
	}
	if err := stage.Done(out, key); err != nil {
		return nil, err
	}
	arts, err := describeAll(out, s.Outputs)
	if err == nil {
		e.Log.Info("Built "+s.Name, "elapsed", time.Since(start).Round(time.Second), "sha256", arts[0].SHA256, "size", arts[0].Size)
	}
	return arts, err
}

func describeAll(dir string, names []string) ([]Artefact, error) {
	var out []Artefact
	for _, n := range names {
		a, err := Describe(filepath.Join(dir, n))
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// Describe hashes a file.
func Describe(path string) (Artefact, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Artefact{}, err
	}
	s := sha256.Sum256(b)
	return Artefact{Name: filepath.Base(path), Path: path, SHA256: hex.EncodeToString(s[:]), Size: int64(len(b))}, nil
}
