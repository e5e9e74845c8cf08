package ospkg

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"time"
)

// TrustPolicy says which OS packages Verify accepts.
type TrustPolicy struct {
	// Roots are the signing roots. A signer certificate must be issued
	// directly by one of them (no intermediates, as in System
	// Transparency). Roots only issue signers: a root's own key never
	// counts as a signer, nor does a CA certificate or one without the
	// digitalSignature key usage.
	Roots []*x509.Certificate
	// Threshold is the minimum number of distinct signers (distinct
	// Ed25519 public keys) with a valid signature; at least 1.
	Threshold int
	// DistinctRoots counts signers issued by the same root once, so a
	// threshold of N needs signers from N different roots (N parties, not
	// one root key holder who issues N signer certificates). It needs at
	// least Threshold roots with distinct keys. False (the default) counts
	// every distinct signer key, whichever root issued it.
	DistinctRoots bool
	// Time is when certificate validity periods and the package's
	// not_after are checked; zero means they are not checked.
	Time time.Time
	// MinVersion is the lowest pkg_version accepted: the highest version
	// this machine has booted (rollback protection). 0 accepts any.
	MinVersion uint64
}

// Validate checks the policy itself (Verify does too); its error wraps
// ErrPolicy.
func (p *TrustPolicy) Validate() error {
	var errs []error
	if p.Threshold < 1 {
		errs = append(errs, fmt.Errorf("threshold %d, want >= 1", p.Threshold))
	}
	if len(p.Roots) == 0 {
		errs = append(errs, errors.New("no trust roots"))
	}
	keys := map[string]bool{}
	for i, r := range p.Roots {
		if r == nil {
			errs = append(errs, fmt.Errorf("trust root %d is nil", i))
			continue
		}
		keys[string(r.RawSubjectPublicKeyInfo)] = true
	}
	if p.DistinctRoots && p.Threshold > len(keys) {
		errs = append(errs, fmt.Errorf("threshold %d with distinct roots needs %d roots with distinct keys, have %d",
			p.Threshold, p.Threshold, len(keys)))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("ospkg: %w: %w", ErrPolicy, err)
	}
	return nil
}

// ParseRoots parses a PEM file of one or more CERTIFICATE blocks (the trust
// root file, e.g. /etc/manx/stboot/root.pem). Any other block or trailing
// garbage is an error.
func ParseRoots(b []byte) ([]*x509.Certificate, error) {
	var roots []*x509.Certificate
	rest := b
	for {
		var blk *pem.Block
		blk, rest = pem.Decode(rest)
		if blk == nil {
			break
		}
		if blk.Type != "CERTIFICATE" {
			return nil, fmt.Errorf("ospkg: trust roots: PEM block %d is %q, want CERTIFICATE", len(roots), blk.Type)
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("ospkg: trust roots: certificate %d: %w", len(roots), err)
		}
		roots = append(roots, c)
	}
	if len(bytes.TrimSpace(rest)) != 0 {
		return nil, fmt.Errorf("ospkg: trust roots: %d bytes that are not a PEM certificate", len(bytes.TrimSpace(rest)))
	}
	if len(roots) == 0 {
		return nil, errors.New("ospkg: trust roots: no PEM certificate")
	}
	return roots, nil
}
