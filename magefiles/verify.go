//go:build mage

package main

import (
	"context"

	"github.com/magefile/mage/mg"

	"manx/internal/app"
)

// Hashes builds every artefact (cached) and writes the published manifest hashes/x86_64.json.
func Hashes(ctx context.Context) error {
	a, err := app.Get()
	if err != nil {
		return err
	}
	return a.Hashes(ctx)
}

// Verify rebuilds everything in an independent root and compares it with hashes/x86_64.json.
func Verify(ctx context.Context) error {
	a, err := app.Get()
	if err != nil {
		return err
	}
	return a.VerifyPublished(ctx)
}

// Repro rebuilds artefacts from a copy of the repository at another path and compares them with this build.
type Repro mg.Namespace

// Kernel checks the kernel is byte-identical when built from another path with a cold build dir.
func (Repro) Kernel(ctx context.Context) error { return repro(ctx, app.ArtKernel) }

// Initramfs checks the initramfs is byte-identical when built from another path.
func (Repro) Initramfs(ctx context.Context) error { return repro(ctx, app.ArtInitramfs) }

// Firmware checks the OVMF variants are byte-identical when built from another path.
func (Repro) Firmware(ctx context.Context) error { return repro(ctx, app.ArtFirmware) }

// Uki checks the var stores and UKIs (unsigned, and signed with the same key) rebuild identically.
func (Repro) Uki(ctx context.Context) error { return repro(ctx, app.ArtVarStore, app.ArtUKI) }

// All rebuilds every artefact from a copy of the repository and compares them all.
func (Repro) All(ctx context.Context) error { return repro(ctx, app.AllGroups...) }

func repro(ctx context.Context, groups ...string) error {
	a, err := app.Get()
	if err != nil {
		return err
	}
	return a.Verify(ctx, groups...)
}
