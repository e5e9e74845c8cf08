//go:build mage

package main

import (
	"context"

	"github.com/magefile/mage/mg"

	"manx/internal/app"
)

// Build builds single artefacts.
type Build mg.Namespace

// Kernel builds build/kernel/bzImage from the pinned Linux sources.
func (Build) Kernel(ctx context.Context) error {
	a, err := app.Get()
	if err != nil {
		return err
	}
	k, err := a.Kernel(ctx)
	if err == nil {
		a.Report(k.Path, k.SHA256)
	}
	return err
}
