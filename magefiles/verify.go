//go:build mage

package main

import (
	"context"

	"github.com/magefile/mage/mg"

	"manx/internal/app"
)

// Verify rebuilds artefacts from a copy of the repository at another path and compares them.
type Verify mg.Namespace

// Kernel checks the kernel is byte-identical when built from another path with a cold build dir.
func (Verify) Kernel(ctx context.Context) error { return verify(ctx, app.ArtKernel) }

// Initramfs checks the initramfs is byte-identical when built from another path.
func (Verify) Initramfs(ctx context.Context) error { return verify(ctx, app.ArtInitramfs) }

// Firmware checks the OVMF variants are byte-identical when built from another path.
func (Verify) Firmware(ctx context.Context) error { return verify(ctx, app.ArtFirmware) }

// Uki checks the var stores and UKIs (unsigned, and signed with the same key) rebuild identically.
func (Verify) Uki(ctx context.Context) error { return verify(ctx, app.ArtVarStore, app.ArtUKI) }

// All rebuilds every artefact from a copy of the repository and compares them all.
func (Verify) All(ctx context.Context) error { return verify(ctx, app.AllGroups...) }

func verify(ctx context.Context, groups ...string) error {
	a, err := app.Get()
	if err != nil {
		return err
	}
	return a.Verify(ctx, groups...)
}
