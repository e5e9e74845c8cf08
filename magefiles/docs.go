//go:build mage

package main

import (
	"context"
	"path/filepath"

	"github.com/magefile/mage/mg"

	"manx/catalog"
	"manx/deploy/vm"
)

// Docs regenerates generated documentation.
type Docs mg.Namespace

// Screenshot boots kernel,initramfs headless and saves its checked screendump as docs/cat.png.
func (Docs) Screenshot(ctx context.Context) error {
	p, err := newPipeline()
	if err != nil {
		return err
	}
	if err := p.Build(ctx, catalog.GroupKernel, catalog.GroupInitramfs); err != nil {
		return err
	}
	return vm.Screenshot(ctx, vm.FromEnv(p.Env, p.Log), filepath.Join(p.Env.Root, "docs", "cat.png"))
}

// Pcr writes docs/pcr-explain.txt: the predicted PCRs 4, 7, 9 and 11 of the signed UKI under the custom store, one event per line.
func (Docs) Pcr(ctx context.Context) error {
	p, err := newPipeline()
	if err != nil {
		return err
	}
	if err := p.Build(ctx, catalog.GroupUKI, catalog.GroupVarStore); err != nil {
		return err
	}
	return vm.WritePCRExplain(vm.FromEnv(p.Env, p.Log), filepath.Join(p.Env.Root, "docs", "pcr-explain.txt"))
}
