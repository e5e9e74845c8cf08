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
func (Build) Kernel(ctx context.Context) error { return build(ctx, app.ArtKernel) }

// Initramfs builds build/userland/initramfs.cpio.gz (Go userland with u-root).
func (Build) Initramfs(ctx context.Context) error { return build(ctx, app.ArtInitramfs) }

// Firmware builds the OVMF variants from EDK II source.
func (Build) Firmware(ctx context.Context) error { return build(ctx, app.ArtFirmware) }

func build(ctx context.Context, what string) error {
	a, err := app.Get()
	if err != nil {
		return err
	}
	return a.BuildOne(ctx, what)
}

// VarStore writes the blank, Microsoft and custom UEFI variable stores (raw .fd and uefi-vars .json).
func (Build) VarStore(ctx context.Context) error { return build(ctx, app.ArtVarStore) }

// Uki assembles build/uki/manx.efi on systemd-stub and signs it (manx.signed.efi) with the db key.
func (Build) Uki(ctx context.Context) error { return build(ctx, app.ArtUKI) }
