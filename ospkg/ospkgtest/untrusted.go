// Package ospkgtest makes the refusal fixtures of Manx's stboot checks: an
// OS-package signer that chains to nothing Manx trusts. Its keys derive from
// a public seed, so the fixtures are reproducible and worthless to anyone.
package ospkgtest

import (
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"time"

	"manx/sign"
)

const (
	untrustedSeed   = "manx stboot untrusted test signer v1" // public on purpose: this key must be trusted by nothing
	untrustedSerial = 1
)

// UntrustedSigner returns an Ed25519 signer whose certificate is issued by
// a CA of its own, both derived from a public seed and t (their NotBefore),
// so they are reproducible and chain to nothing Manx trusts.
func UntrustedSigner(t time.Time) (*sign.Static, error) {
	derive := func(role string) ed25519.PrivateKey {
		seed := sha256.Sum256([]byte(untrustedSeed + ": " + role))
		return ed25519.NewKeyFromSeed(seed[:])
	}
	caKey, key := derive("root"), derive("signer")
	tmpl := func(cn string, ca bool) *x509.Certificate {
		ku := x509.KeyUsageDigitalSignature
		if ca {
			ku |= x509.KeyUsageCertSign
		}
		return &x509.Certificate{
			SerialNumber:          big.NewInt(untrustedSerial),
			Subject:               pkix.Name{CommonName: cn},
			NotBefore:             t.UTC().Truncate(time.Second),
			NotAfter:              time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC),
			KeyUsage:              ku,
			BasicConstraintsValid: true,
			IsCA:                  ca,
		}
	}
	// Ed25519 signatures take no randomness; noRandom makes any other use
	// an error instead of a silently different certificate.
	caTmpl := tmpl("Manx untrusted stboot root (test key from a public seed)", true)
	caDER, err := x509.CreateCertificate(noRandom{}, caTmpl, caTmpl, caKey.Public(), caKey)
	if err != nil {
		return nil, fmt.Errorf("untrusted stboot root: %w", err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, fmt.Errorf("untrusted stboot root: %w", err)
	}
	der, err := x509.CreateCertificate(noRandom{}, tmpl("Manx untrusted stboot signer (test key from a public seed)", false), ca, key.Public(), caKey)
	if err != nil {
		return nil, fmt.Errorf("untrusted stboot signer: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("untrusted stboot signer: %w", err)
	}
	return sign.NewStatic(key, cert)
}

type noRandom struct{}

func (noRandom) Read([]byte) (int, error) {
	return 0, errors.New("no randomness: the untrusted test keys are derived from a public seed")
}
