// Package app wires Manx's pieces together for the Mage targets: it resolves
// the build environment once and hands out the logger, pins, fetcher and
// toolchain backend, so each target stays a few lines long.
package app

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	"manx/internal/buildenv"
	"manx/internal/fetch"
	"manx/internal/pins"
	"manx/internal/toolchain"
	"manx/uki/keys"
	"manx/uki/siglog"
)

// App is the resolved context of one mage invocation.
type App struct {
	Env   *buildenv.Env
	Log   *slog.Logger
	Pins  *pins.List
	Fetch *fetch.Fetcher

	tcOnce sync.Once
	tc     toolchain.Backend
	tcErr  error

	keysOnce sync.Once
	keySet   *keys.Set
	sigs     *siglog.Log // every signature keySet made (recorded), or the log it replays
	keysErr  error
}

var (
	once   sync.Once
	shared *App
	err    error
)

// Get returns the App for this process (mage runs targets in one process).
func Get() (*App, error) {
	once.Do(func() { shared, err = load() })
	return shared, err
}

func load() (*App, error) {
	wd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	env, err := buildenv.Load(wd)
	if err != nil {
		return nil, err
	}
	log := slogNew()
	pl, err := pins.Load(filepath.Join(env.Root, pins.File))
	if err != nil {
		return nil, err
	}
	return &App{Env: env, Log: log, Pins: pl, Fetch: fetch.New(env.CacheDir, log)}, nil
}

// Toolchain returns the configured backend. It is made ready (image built,
// runtime probed) on its first Run, so a no-op build never starts a
// container.
func (a *App) Toolchain(ctx context.Context) (toolchain.Backend, error) {
	a.tcOnce.Do(func() {
		a.tc, a.tcErr = toolchain.New(a.Env.Toolchain, toolchain.Options{
			Root: a.Env.Root, CacheDir: a.Env.CacheDir, LogDir: a.Env.LogDir, Epoch: a.Env.Epoch, Log: a.Log,
		})
	})
	return a.tc, a.tcErr
}

// PrepareToolchain builds the toolchain image if needed and checks it runs.
func (a *App) PrepareToolchain(ctx context.Context) error {
	tc, err := a.Toolchain(ctx)
	if err != nil {
		return err
	}
	return tc.Prepare(ctx)
}

// Report prints an artefact line on stdout: its path and sha256.
func (a *App) Report(path, sha256 string) {
	rel := path
	if r, err := filepath.Rel(a.Env.Root, path); err == nil {
		rel = r
	}
	os.Stdout.WriteString(sha256 + "  " + rel + "\n")
}
