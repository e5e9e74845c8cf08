//go:build mage

package main

import (
	"context"

	"github.com/magefile/mage/mg"

	"manx/catalog"
	"manx/publish"
)

// Hashes builds every artefact (cached) and writes the published manifest hashes/x86_64.json and the signature log.
func Hashes(ctx context.Context) error {
	p, err := newPipeline()
	if err != nil {
		return err
	}
	return publish.Publisher{P: p}.Hashes(ctx)
}

// Verify rebuilds everything in an independent root and compares it with hashes/x86_64.json.
func Verify(ctx context.Context) error {
	if err := Setup(ctx); err != nil { // a researcher's machine may have nothing yet
		return err
	}
	p, err := newPipeline()
	if err != nil {
		return err
	}
	return publish.Publisher{P: p}.VerifyPublished(ctx)
}

// Repro rebuilds artefacts from a copy of the repository at another path and compares them with this build.
type Repro mg.Namespace

// Kernel checks the kernel is byte-identical when built from another path with a cold build dir.
func (Repro) Kernel(ctx context.Context) error { return repro(ctx, catalog.GroupKernel) }

// Initramfs checks the initramfs is byte-identical when built from another path.
func (Repro) Initramfs(ctx context.Context) error { return repro(ctx, catalog.GroupInitramfs) }

// Firmware checks the OVMF variants are byte-identical when built from another path.
func (Repro) Firmware(ctx context.Context) error { return repro(ctx, catalog.GroupFirmware) }

// Uki checks the var stores and UKIs (unsigned, and signed with the same key) rebuild identically.
func (Repro) Uki(ctx context.Context) error {
	return repro(ctx, catalog.GroupVarStore, catalog.GroupUKI)
}

// Image checks the disk image (erofs root, verity tree, signed UKI and systemd-boot, GPT) rebuilds identically from another path.
func (Repro) Image(ctx context.Context) error { return repro(ctx, catalog.GroupImage) }

// All rebuilds every artefact from a copy of the repository and compares them all.
func (Repro) All(ctx context.Context) error { return repro(ctx, catalog.Groups...) }

func repro(ctx context.Context, groups ...catalog.Group) error {
	if err := Setup(ctx); err != nil {
		return err
	}
	p, err := newPipeline()
	if err != nil {
		return err
	}
	return publish.Publisher{P: p}.Repro(ctx, groups...)
}
