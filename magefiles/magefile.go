//go:build mage

// Manx builds and boots a reproducible, measured, attestable Linux.
//
//	go run mage.go buildAll   # set up the host, build every artefact, print paths and sha256
//	go run mage.go test       # unit tests, the pin/VERSIONS.md check and the headless boot checks
//	go run mage.go -l         # every target
package main

import (
	"context"

	"manx/internal/app"
)

// Setup installs what the host lacks (as root with apt) or prints the command to run.
func Setup(ctx context.Context) error {
	a, err := app.Get()
	if err != nil {
		return err
	}
	return a.Setup(ctx)
}

// Toolchain builds (once) the Debian build container image and checks podman can run it.
func Toolchain(ctx context.Context) error {
	a, err := app.Get()
	if err != nil {
		return err
	}
	return a.PrepareToolchain(ctx)
}

// BuildAll sets up the host and builds every artefact, printing each path and sha256.
func BuildAll(ctx context.Context) error {
	a, err := app.Get()
	if err != nil {
		return err
	}
	return a.BuildAll(ctx)
}

// Versions regenerates VERSIONS.md from pins.json, go.mod and the toolchain package list.
func Versions() error {
	a, err := app.Get()
	if err != nil {
		return err
	}
	return a.WriteVersions()
}

// Test runs the unit tests, the VERSIONS.md check and every headless boot check.
func Test(ctx context.Context) error {
	a, err := app.Get()
	if err != nil {
		return err
	}
	return a.Test(ctx)
}
