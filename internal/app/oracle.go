package app

import (
	"context"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"

	"manx/internal/repro"
	"manx/uki/oracle"
)

// checkBlankStore compares the pure-Go blank variable store with the empty
// VARS template EDK II itself builds for the pflash variant: two independent
// writers of one format must agree byte for byte.
func (a *App) checkBlankStore(ctx context.Context) error {
	if _, err := a.Firmware(ctx, "ovmf-pflash"); err != nil {
		return err
	}
	if _, err := a.VarStores(); err != nil {
		return err
	}
	tmpl := a.Env.Path("firmware", "ovmf-pflash", "OVMF_VARS.fd")
	ours := a.Env.Path(VarStoreDir, varsFile("blank", "fd"))
	same, err := repro.SameFile(tmpl, ours)
	if err != nil {
		return err
	}
	if !same {
		return fmt.Errorf("%s differs from %s", ours, tmpl)
	}
	return nil
}

// checkPEOracles judges the built PE images with tools that share no code
// with Manx: sbverify, given the db certificate, must accept the signed UKIs
// and the signed kernel and refuse the tampered UKI; objdump -h must show
// each UKI's sections in order, page-aligned and not overlapping.
func (a *App) checkPEOracles(ctx context.Context) error {
	// The check builds everything it reads: on a clean build/ nothing
	// before it has made the UKIs.
	if _, err := a.UKIs(ctx); err != nil { // the UKIs, the tampered UKI and the signed kernel
		return err
	}
	if _, err := a.Stboot(ctx); err != nil { // the stboot UKIs
		return err
	}
	ks, err := a.Keys()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "manx-oracle-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	cert := filepath.Join(dir, "db.crt")
	if err := os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ks.DB.Certificate().Raw}), 0o644); err != nil {
		return err
	}
	for _, rel := range []string{UKISigned, StbootUKISigned, KernelSigned} {
		if err := oracle.Sbverify(ctx, cert, a.Env.Path(rel)); err != nil {
			return err
		}
	}
	if err := oracle.Sbverify(ctx, cert, a.Env.Path(UKITampered)); err == nil {
		return fmt.Errorf("sbverify accepts %s, which has one byte of .linux flipped", a.Env.Path(UKITampered))
	}
	for _, rel := range []string{UKIUnsigned, UKISigned, StbootUKIUnsigned, StbootUKISigned} {
		secs, err := oracle.Objdump(ctx, a.Env.Path(rel))
		if err != nil {
			return err
		}
		if err := oracle.CheckUKI(secs); err != nil {
			return fmt.Errorf("%s: %w", a.Env.Path(rel), err)
		}
	}
	return nil
}
