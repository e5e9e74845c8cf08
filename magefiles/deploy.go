//go:build mage

package main

import (
	"context"

	"github.com/magefile/mage/mg"

	"manx/internal/app"
)

// Deploy boots a profile with the serial console on this terminal (Ctrl-A X quits).
type Deploy mg.Namespace

// Kernel boots the bare kernel (SeaBIOS, std VGA): it panics, having no root fs.
func (Deploy) Kernel(ctx context.Context) error { return deploy(ctx, "kernel") }

// KernelSerialonly boots the bare kernel with only a serial console.
func (Deploy) KernelSerialonly(ctx context.Context) error { return deploy(ctx, "kernel,serialonly") }

// KernelInitramfs boots the kernel and the Go userland: Manx's cat on screen, a shell on serial.
func (Deploy) KernelInitramfs(ctx context.Context) error { return deploy(ctx, "kernel,initramfs") }

// Microvm boots the kernel and userland on QEMU's microvm machine (serial only).
func (Deploy) Microvm(ctx context.Context) error {
	return deploy(ctx, "microvm,kernel,initramfs,serialonly")
}

// Profile boots any profile by ID, e.g. `deploy:profile uki,sb-pass`.
func (Deploy) Profile(ctx context.Context, id string) error { return deploy(ctx, id) }

// Check boots any profile headless and asserts its outcome, e.g. `deploy:check kernel,initramfs`.
func (Deploy) Check(ctx context.Context, id string) error {
	a, err := app.Get()
	if err != nil {
		return err
	}
	_, err = a.CheckProfile(ctx, id)
	return err
}

func deploy(ctx context.Context, id string) error {
	a, err := app.Get()
	if err != nil {
		return err
	}
	return a.Deploy(ctx, id)
}
