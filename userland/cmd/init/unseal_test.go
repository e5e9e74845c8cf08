package main

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"manx/tpm/seal"
	"manx/tpm/totp"
)

func TestUnsealLines(t *testing.T) {
	secret := []byte("12345678901234567890")
	now := time.Date(2026, 1, 1, 0, 0, 42, 0, time.UTC)
	sum := sha256.Sum256(secret)
	for _, tc := range []struct {
		name string
		u    unsealer
		want []string
	}{
		{"unsealed", func(_, _, _ []byte) ([]byte, error) { return secret, nil },
			[]string{fmt.Sprintf("tpm: unsealed %x", sum[:6]), fmt.Sprintf("tpm: totp %s at %d", totp.Code(secret, now), now.Unix())}},
		{"policy", func(_, _, _ []byte) ([]byte, error) { return nil, fmt.Errorf("pcr 7: %w", seal.ErrPolicy) },
			[]string{lineRefusedPolicy}},
		{"signature", func(_, _, _ []byte) ([]byte, error) { return nil, fmt.Errorf("x: %w", seal.ErrSignature) },
			[]string{lineRefusedSig}},
		{"other", func(_, _, _ []byte) ([]byte, error) { return nil, errors.New("no TPM") },
			[]string{"tpm: UNSEAL FAILED: no TPM"}},
	} {
		got := unsealLines(tc.u, nil, nil, nil, now)
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
		for _, l := range got {
			for _, form := range []string{string(secret), hex.EncodeToString(secret), totp.Secret(secret), base64.StdEncoding.EncodeToString(secret)} {
				if strings.Contains(l, form) {
					t.Errorf("%s: the secret is printed (%q): %q", tc.name, form, l)
				}
			}
		}
	}
}
