package app

import (
	"context"
	"fmt"

	"manx/internal/repro"
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
