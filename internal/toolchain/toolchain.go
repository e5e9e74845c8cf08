// Package toolchain runs Manx's build steps in a fixed environment: inside a
// Debian bookworm container made with debootstrap from exactly the .debs
// locked in debian.lock.json (the default), or on the host; or, with the nix
// backend, builds the flake's outputs with `nix build` inside Podman. Every
// backend runs the same bash script with the same environment (LC_ALL=C,
// TZ=UTC, umask 022, SOURCE_DATE_EPOCH) and the same variables naming its
// directories, so the recipes do not know where they run.
package toolchain

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"time"
)

// Mount makes a host directory available to a step. Inside the container it
// appears at Guest (a fixed path, so outputs do not depend on where the
// repository is checked out); the script finds it through the variable Var.
type Mount struct {
	Var      string // e.g. MANX_WORK
	Host     string
	Guest    string // e.g. /manx/work
	ReadOnly bool
}

// Step is one build step.
type Step struct {
	Name   string
	Script string            // run with bash -euo pipefail
	Mounts []Mount           // directories the script uses
	Env    map[string]string // extra variables (sorted when passed)
	Out    io.Writer         // the stage log
}

// Backend runs steps.
type Backend interface {
	// Name is the backend name (debian, host, nix).
	Name() string
	// ID identifies the toolchain contents; it goes into stage cache keys.
	ID() string
	// Prepare makes the toolchain ready (builds the image on first use).
	Prepare(ctx context.Context) error
	// Run executes a step.
	Run(ctx context.Context, s Step) error
}

// Options configure a backend.
type Options struct {
	Root     string // the repository (the nix backend reads its flake.lock)
	CacheDir string // toolchain images and their records live under CacheDir/toolchain
	LogDir   string
	Epoch    time.Time
	Log      *slog.Logger
}

// New returns the backend with the given name.
func New(name string, o Options) (Backend, error) {
	switch name {
	case "debian":
		d, err := newDebian(o)
		if err != nil {
			return nil, err
		}
		return d, nil
	case "host":
		o.Log.Warn("Using the host toolchain: artefact hashes may differ from the published ones (set MANX_TOOLCHAIN=debian for reproducible builds)")
		return &host{opts: o}, nil
	case "nix":
		return newNix(o), nil
	}
	return nil, fmt.Errorf("unknown toolchain %q: want debian, nix or host", name)
}

// baseEnv is the fixed environment of every step.
func baseEnv(epoch time.Time) map[string]string {
	return map[string]string{
		"LC_ALL":            "C",
		"LANG":              "C",
		"TZ":                "UTC",
		"SOURCE_DATE_EPOCH": strconv.FormatInt(epoch.Unix(), 10),
		"PYTHONHASHSEED":    "0",
		"PATH":              "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
	}
}

// prologue starts every script.
const prologue = "set -euo pipefail\numask 022\n"
