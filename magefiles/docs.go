//go:build mage

package main

import (
	"context"

	"github.com/magefile/mage/mg"

	"manx/internal/app"
)

// Docs regenerates generated documentation.
type Docs mg.Namespace

// Screenshot boots kernel,initramfs headless and saves its checked screendump as docs/cat.png.
func (Docs) Screenshot(ctx context.Context) error {
	a, err := app.Get()
	if err != nil {
		return err
	}
	return a.Screenshot(ctx)
}
