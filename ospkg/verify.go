package ospkg

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Verify checks an OS package against trust and returns its contents and
// the verified statement. In order: the descriptor's structure (format 2);
// each (certificate, signature) pair over the statement's canonical bytes
// (see below); that the number of counted signers reaches trust.Threshold;
// the statement's not_after against trust.Time (ErrExpired; skipped when
// trust.Time is zero); its pkg_version against trust.MinVersion
// (ErrRollback, a *RollbackError); the zip's SHA-256 against the signed
// os_pkg_sha256 (ErrDigest); and only then the zip's layout and every file
// against the manifest. Errors name the failed check and its values and
// wrap one of the package's sentinels.
//
// A signature counts when its certificate has an Ed25519 key that is not a
// trust root's (roots do not sign packages), is issued directly by a trust
// root, is not a CA, has the digitalSignature key usage, and the signature
// verifies over Statement.Bytes. A key counts once: a second signature by
// the same certificate, or by another certificate carrying the same key, is
// refused. With trust.DistinctRoots, a root counts once too: signers issued
// by the same root count as one. Every refused signature's reason ("signature
// i: ...") is joined into the threshold error.
func Verify(desc *Descriptor, zip []byte, trust TrustPolicy) (*Contents, *Statement, error) {
	st, err := VerifyStatement(desc, zip, trust)
	if err != nil {
		return nil, nil, err
	}
	c, err := unpack(zip, MaxUnpackedSize)
	if err != nil {
		return nil, nil, err
	}
	return c, st, nil
}

// VerifyStatement is Verify without the last step: it checks the
// descriptor, the signatures, expiry, the rollback version and the zip's
// digest, and returns the verified statement, but does not read the zip.
// Other signed payloads (an image update bundle, manx/image/update) use it
// with a zip of their own layout.
func VerifyStatement(desc *Descriptor, zip []byte, trust TrustPolicy) (*Statement, error) {
	if err := trust.Validate(); err != nil {
		return nil, err
	}
	if desc == nil {
		return nil, kindError(ErrFormat, "ospkg: no descriptor")
	}
	if err := desc.check(); err != nil {
		return nil, err
	}
	st := desc.statement()
	msg := st.Bytes()

	pool := x509.NewCertPool()
	for _, r := range trust.Roots {
		pool.AddCert(r)
	}
	valid := 0
	counted := map[string]signer{} // by Ed25519 public key
	var problems []error
	for i := range desc.Certificates {
		s, err := verifyOne(desc.Certificates[i], desc.Signatures[i], msg, pool, trust, counted)
		if err != nil {
			problems = append(problems, fmt.Errorf("signature %d: %w", i, err))
			continue
		}
		s.index = i
		counted[string(s.cert.PublicKey.(ed25519.PublicKey))] = s
		valid++
	}
	if valid < trust.Threshold {
		if len(problems) == 0 {
			return nil, kindError(ErrThreshold, "ospkg: %d valid signature(s), threshold %d", valid, trust.Threshold)
		}
		return nil, kindError(ErrThreshold, "ospkg: %d valid signature(s), threshold %d\n%w", valid, trust.Threshold, errors.Join(problems...))
	}

	if !trust.Time.IsZero() && !st.NotAfter.IsZero() && trust.Time.After(st.NotAfter) {
		return nil, kindError(ErrExpired, "ospkg: package expired at %s (now %s)",
			formatNotAfter(st.NotAfter), trust.Time.UTC().Format(time.RFC3339))
	}
	if st.PkgVersion < trust.MinVersion {
		return nil, &RollbackError{Version: st.PkgVersion, Highest: trust.MinVersion}
	}
	sum := sha256.Sum256(zip)
	if got := hex.EncodeToString(sum[:]); got != st.PkgSHA256 {
		return nil, kindError(ErrDigest, "ospkg: zip sha256 %s does not match the signed digest %s (%d bytes received)",
			got, st.PkgSHA256, len(zip))
	}

	return &st, nil
}

// signer is a counted signature: its certificate, key and issuing root.
type signer struct {
	index int
	cert  *x509.Certificate
	root  *x509.Certificate
}

// verifyOne checks one (certificate, signature) pair against trust and
// against the signatures counted so far (counted, keyed by public key), and
// returns the counted signer. Checks, in order: an Ed25519 key; not a trust
// root's key; issued by a trust root; not a CA; digitalSignature key usage;
// the signature over the statement msg; a key not counted already (and, with
// trust.DistinctRoots, a root not used already).
func verifyOne(certBytes, sig, msg []byte, pool *x509.CertPool, trust TrustPolicy, counted map[string]signer) (signer, error) {
	cert, err := parseCert(certBytes)
	if err != nil {
		return signer{}, fmt.Errorf("certificate: %w", err)
	}
	name := cert.Subject.String()
	pub, ok := cert.PublicKey.(ed25519.PublicKey)
	if !ok {
		return signer{}, fmt.Errorf("signer %q has a %T key, want Ed25519", name, cert.PublicKey)
	}
	for _, r := range trust.Roots {
		if rk, ok := r.PublicKey.(ed25519.PublicKey); ok && rk.Equal(pub) {
			if bytes.Equal(r.Raw, cert.Raw) {
				return signer{}, fmt.Errorf("signer %q is a trust root: roots do not sign packages", name)
			}
			return signer{}, fmt.Errorf("signer %q has the key of trust root %q: roots do not sign packages", name, r.Subject.String())
		}
	}
	at := trust.Time
	if at.IsZero() {
		at = cert.NotBefore // validity not checked (see TrustPolicy.Time)
	}
	chains, err := cert.Verify(x509.VerifyOptions{
		Roots:       pool,
		CurrentTime: at,
		KeyUsages:   []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	})
	if err != nil {
		return signer{}, fmt.Errorf("signer %q does not chain to the trust root: %w", name, err)
	}
	if cert.IsCA {
		return signer{}, fmt.Errorf("signer %q is a CA: signer certificates must not be CAs", name)
	}
	if cert.KeyUsage&x509.KeyUsageDigitalSignature == 0 {
		return signer{}, fmt.Errorf("signer %q lacks the digitalSignature key usage", name)
	}
	if !ed25519.Verify(pub, msg, sig) {
		return signer{}, fmt.Errorf("signer %q: Ed25519 signature does not verify over the statement (%s)", name, statementSummary(msg))
	}
	if prev, ok := counted[string(pub)]; ok {
		if bytes.Equal(prev.cert.Raw, cert.Raw) {
			return signer{}, fmt.Errorf("signer %q: same certificate as signature %d, counted once", name, prev.index)
		}
		return signer{}, fmt.Errorf("signer %q: same key as signature %d (%q), counted once", name, prev.index, prev.cert.Subject.String())
	}
	// Issued directly by a root (no intermediates): the chain is [cert, root].
	root := chains[0][len(chains[0])-1]
	if trust.DistinctRoots {
		for _, prev := range counted {
			if bytes.Equal(prev.root.RawSubjectPublicKeyInfo, root.RawSubjectPublicKeyInfo) {
				return signer{}, fmt.Errorf("signer %q: issued by trust root %q like signature %d, and the policy requires distinct roots",
					name, root.Subject.String(), prev.index)
			}
		}
	}
	return signer{cert: cert, root: root}, nil
}

// statementSummary is the statement msg on one line: its fields without the
// prefix, separated by spaces.
func statementSummary(msg []byte) string {
	lines := strings.Split(strings.TrimSuffix(string(msg), "\n"), "\n")
	return strings.Join(lines[1:], " ")
}
