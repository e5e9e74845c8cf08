//go:build mage

// Manx builds and boots a reproducible, measured, attestable Linux.
//
//	go run mage.go buildAll   # set up the host, build every artefact, print paths and sha256
//	go run mage.go test       # unit tests, reproducibility and boot checks
package main

import (
	"context"

	"manx/internal/app"
)

// Toolchain builds (once) and checks the build container image.
func Toolchain(ctx context.Context) error {
	a, err := app.Get()
	if err != nil {
		return err
	}
	_, err = a.Toolchain(ctx)
	return err
}
