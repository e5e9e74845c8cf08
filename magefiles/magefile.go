//go:build mage

// Manx builds and boots a reproducible, measured, attestable Linux.
//
//	go run mage.go buildAll   # set up the host, build every artefact, print paths and sha256
//	go run mage.go test       # unit tests, oracles on the built artefacts, the boot matrix, the hash manifest
//	go run mage.go -l         # every target
//
// Targets are a few lines each over manx/pipeline (the build graph),
// manx/deploy/vm (boot profiles), manx/publish and manx/checks.
package main

import (
	"context"
	"os"

	"manx/checks"
	"manx/internal/buildenv"
	"manx/internal/logx"
	"manx/internal/pins"
	"manx/internal/setup"
	"manx/internal/toolchain"
	"manx/pipeline"
)

// newPipeline is the build graph of the repository mage runs in.
func newPipeline() (*pipeline.Pipeline, error) { return pipeline.Here(logx.New()) }

// Setup installs what the host lacks (as root with apt) or prints the command to run.
func Setup(ctx context.Context) error {
	return setup.Ensure(ctx, setup.RealHost(), logx.New())
}

// Toolchain builds (once) the Debian build container image and checks podman can run it.
func Toolchain(ctx context.Context) error {
	p, err := newPipeline()
	if err != nil {
		return err
	}
	tc, err := p.Toolchain()
	if err != nil {
		return err
	}
	return tc.Prepare(ctx)
}

// BuildAll sets up the host and builds every artefact, printing each path and sha256.
func BuildAll(ctx context.Context) error {
	if err := Setup(ctx); err != nil {
		return err
	}
	return build(ctx)
}

// Versions regenerates VERSIONS.md from pins.json, go.mod and the toolchain package list.
func Versions() error {
	wd, err := os.Getwd()
	if err != nil {
		return err
	}
	root, err := buildenv.FindRoot(wd)
	if err != nil {
		return err
	}
	return pins.WriteVersionsMD(root, toolchain.Packages)
}

// Test sets up the host, builds everything and runs every check: unit tests, Nix static checks, oracles, the boot matrix, the hash manifest.
func Test(ctx context.Context) error {
	p, err := newPipeline()
	if err != nil {
		return err
	}
	return checks.Run(ctx, p, os.Stdout)
}
