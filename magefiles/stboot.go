//go:build mage

package main

import (
	"context"

	"manx/internal/app"
)

// Ospkg builds build/ospkg/manx.zip and manx.json (the signed Manx OS package stboot boots) and the negative-test descriptors.
func (Build) Ospkg(ctx context.Context) error {
	a, err := app.Get()
	if err != nil {
		return err
	}
	return a.BuildOspkg(ctx)
}

// Stboot builds the OS packages, the stboot initramfs variants and the stboot UKI (signed with db).
func (Build) Stboot(ctx context.Context) error {
	a, err := app.Get()
	if err != nil {
		return err
	}
	return a.BuildStboot(ctx)
}

// Stboot boots the stboot initramfs (Secure Boot off) against the host's OS package server: it kexecs Manx.
func (Deploy) Stboot(ctx context.Context) error { return deploy(ctx, "fw,kernel,initramfs,stboot") }

// StbootSbPass boots the signed stboot UKI with Secure Boot on and lockdown: it kexecs the db-signed Manx.
func (Deploy) StbootSbPass(ctx context.Context) error {
	return deploy(ctx, "fw,kernel,initramfs,stboot,sb-pass")
}
