//go:build mage

package main

import (
	"context"
	"fmt"

	"github.com/magefile/mage/mg"

	"manx/deploy/profile"
	"manx/deploy/vm"
)

// Tpm holds the measured-boot helpers.
type Tpm mg.Namespace

// Totp prints the otpauth:// URI of the TOTP seed sealed to the persistent TPM (enrol it in an authenticator; `qrencode -t ansiutf8 URI` draws a QR code).
func (Tpm) Totp(ctx context.Context) error {
	p, err := newPipeline()
	if err != nil {
		return err
	}
	uri, err := vm.FromEnv(p.Env, p.Log).TOTPURI(profile.TPMStateSealed)
	if err != nil {
		return err
	}
	fmt.Println(uri)
	return nil
}
