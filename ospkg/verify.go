package ospkg

import (
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
)

// Verify checks an OS package against trust and returns its contents. In
// order: the descriptor's structure; the zip's SHA-256 against the
// descriptor's os_pkg_sha256 (when present); for each (certificate,
// signature) pair, that the certificate has an Ed25519 key, chains to a
// trust root and that the signature verifies over SHA-256(zip); that the
// number of distinct valid signers reaches trust.Threshold; and only then
// the zip's layout and every file against the manifest. Errors name the
// failed check and its values and wrap one of the package's sentinels.
func Verify(desc *Descriptor, zip []byte, trust TrustPolicy) (*Contents, error) {
	if err := trust.validate(); err != nil {
		return nil, err
	}
	if desc == nil {
		return nil, kindError(ErrFormat, "ospkg: no descriptor")
	}
	if err := desc.check(); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(zip)
	digest := sum[:]
	if got := hex.EncodeToString(digest); desc.PkgSHA256 != "" && got != desc.PkgSHA256 {
		return nil, kindError(ErrDigest, "ospkg: zip sha256 %s does not match the signed digest %s (%d bytes received)",
			got, desc.PkgSHA256, len(zip))
	}

	pool := x509.NewCertPool()
	for _, r := range trust.Roots {
		pool.AddCert(r)
	}
	valid := 0
	seen := map[string]bool{}
	var problems []error
	for i := range desc.Certificates {
		err := verifyOne(desc.Certificates[i], desc.Signatures[i], digest, pool, trust, seen)
		if err != nil {
			problems = append(problems, fmt.Errorf("signature %d: %w", i, err))
			continue
		}
		valid++
	}
	if valid < trust.Threshold {
		if len(problems) == 0 {
			return nil, kindError(ErrThreshold, "ospkg: %d valid signature(s), threshold %d", valid, trust.Threshold)
		}
		return nil, kindError(ErrThreshold, "ospkg: %d valid signature(s), threshold %d\n%w", valid, trust.Threshold, errors.Join(problems...))
	}

	c, err := unpack(zip, MaxUnpackedSize)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// verifyOne checks one (certificate, signature) pair and records the
// signer's key in seen, so a second signature by the same key is not
// counted.
func verifyOne(certBytes, sig, digest []byte, pool *x509.CertPool, trust TrustPolicy, seen map[string]bool) error {
	cert, err := parseCert(certBytes)
	if err != nil {
		return fmt.Errorf("certificate: %w", err)
	}
	name := cert.Subject.String()
	pub, ok := cert.PublicKey.(ed25519.PublicKey)
	if !ok {
		return fmt.Errorf("signer %q has a %T key, want Ed25519", name, cert.PublicKey)
	}
	at := trust.Time
	if at.IsZero() {
		at = cert.NotBefore // validity not checked (see TrustPolicy.Time)
	}
	if _, err := cert.Verify(x509.VerifyOptions{
		Roots:       pool,
		CurrentTime: at,
		KeyUsages:   []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	}); err != nil {
		return fmt.Errorf("signer %q does not chain to the trust root: %w", name, err)
	}
	if seen[string(pub)] {
		return fmt.Errorf("signer %q: duplicate key, counted once", name)
	}
	if !ed25519.Verify(pub, digest, sig) {
		return fmt.Errorf("signer %q: Ed25519 signature does not verify over sha256 %x", name, digest)
	}
	seen[string(pub)] = true
	return nil
}
