//go:build mage

package main

import (
	"context"

	"manx/internal/app"
)

// Measure precomputes SEV-SNP launch measurements (build/measure/snp.json) for the built AmdSev firmware, kernel and initramfs.
func Measure(ctx context.Context) error {
	a, err := app.Get()
	if err != nil {
		return err
	}
	m, err := a.Measure(ctx)
	if err == nil {
		a.Report(m.Path, m.SHA256)
	}
	return err
}
