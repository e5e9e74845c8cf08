//go:build mage

package main

import (
	"context"
	"os"

	"github.com/magefile/mage/mg"

	"manx/catalog"
)

// Build builds single artefact groups (`go run ./cmd/manx groups` lists their files).
type Build mg.Namespace

// Kernel builds build/kernel/bzImage from the pinned Linux sources.
func (Build) Kernel(ctx context.Context) error { return build(ctx, catalog.GroupKernel) }

// Initramfs builds build/userland/initramfs.cpio.gz (Go userland with u-root).
func (Build) Initramfs(ctx context.Context) error { return build(ctx, catalog.GroupInitramfs) }

// Firmware builds the OVMF variants from EDK II source.
func (Build) Firmware(ctx context.Context) error { return build(ctx, catalog.GroupFirmware) }

// VarStore writes the blank, Microsoft and custom UEFI variable stores (raw .fd and uefi-vars .json).
func (Build) VarStore(ctx context.Context) error { return build(ctx, catalog.GroupVarStore) }

// Uki assembles build/uki/manx.efi on systemd-stub and signs it (manx.signed.efi) and the kernel with the db key.
func (Build) Uki(ctx context.Context) error { return build(ctx, catalog.GroupUKI) }

// Stboot builds the signed OS package, the stboot initramfs variants and the stboot UKI (signed with db).
func (Build) Stboot(ctx context.Context) error { return build(ctx, catalog.GroupStboot) }

// Image builds the image-based OS: build/image/manx.raw (GPT: ESP with signed systemd-boot and UKI, dm-verity erofs root A, empty slot B).
func (Build) Image(ctx context.Context) error { return build(ctx, catalog.GroupImage) }

// Measure precomputes SEV-SNP launch measurements (build/measure/snp.json) for the built AmdSev firmware, kernel and initramfs.
func Measure(ctx context.Context) error { return build(ctx, catalog.GroupMeasure) }

// build builds groups (every group when none) and prints each artefact's sha256 and path.
func build(ctx context.Context, groups ...catalog.Group) error {
	p, err := newPipeline()
	if err != nil {
		return err
	}
	if len(groups) == 0 {
		groups = catalog.Groups
	}
	err = p.Build(ctx, groups...)
	p.Report(os.Stdout, groups...)
	return err
}

// Stamps prints each artefact group's SOURCE_DATE_EPOCH and version: the newest commit that touched its inputs.
func Stamps(ctx context.Context) error {
	p, err := newPipeline()
	if err != nil {
		return err
	}
	return p.WriteStamps(ctx, os.Stdout)
}
