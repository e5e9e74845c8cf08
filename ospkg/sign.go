package ospkg

import (
	"crypto"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"time"

	"manx/sign"
)

// Sign returns the format 2 descriptor for zip: its URL (absolute, or
// relative to the descriptor's URL), the statement (zip's SHA-256 and rel's
// label, version and expiry) and one PureEd25519 signature over the
// statement's canonical bytes (Statement.Bytes) per signer, in signers'
// order, with the signer's certificate as PEM. Every signer must hold an
// Ed25519 key, and no two the same key. Ed25519 is deterministic, so equal
// inputs give an equal descriptor.
func Sign(zip []byte, pkgURL string, rel Release, signers []sign.Signer) (*Descriptor, error) {
	if len(signers) == 0 {
		return nil, fmt.Errorf("ospkg: signing: no signers")
	}
	if err := checkPkgURL(pkgURL); err != nil {
		return nil, fmt.Errorf("ospkg: signing: %w", err)
	}
	digest := sha256.Sum256(zip)
	st := Statement{Label: rel.Label, PkgSHA256: hex.EncodeToString(digest[:]), PkgVersion: rel.Version, NotAfter: rel.NotAfter.UTC().Truncate(time.Second)}
	if rel.NotAfter.IsZero() {
		st.NotAfter = time.Time{}
	}
	if err := st.check(); err != nil {
		return nil, fmt.Errorf("ospkg: signing: %w", err)
	}
	if _, err := parseNotAfter(formatNotAfter(st.NotAfter)); err != nil {
		return nil, fmt.Errorf("ospkg: signing: %w", err) // e.g. a year outside 0000..9999
	}
	msg := st.Bytes()
	d := &Descriptor{
		Version:    descriptorVersion,
		PkgURL:     pkgURL,
		PkgSHA256:  st.PkgSHA256,
		PkgVersion: st.PkgVersion,
		NotAfter:   formatNotAfter(st.NotAfter),
		Label:      st.Label,
	}
	seen := map[string]int{}
	for i, s := range signers {
		if s == nil || s.Signer() == nil || s.Certificate() == nil {
			return nil, fmt.Errorf("ospkg: signing: signer %d: no key or certificate", i)
		}
		cert := s.Certificate()
		pub, ok := s.Signer().Public().(ed25519.PublicKey)
		if !ok {
			return nil, fmt.Errorf("ospkg: signing: signer %d (%q): %T key, want Ed25519", i, cert.Subject, s.Signer().Public())
		}
		if !pub.Equal(cert.PublicKey) {
			return nil, fmt.Errorf("ospkg: signing: signer %d (%q): key does not match certificate", i, cert.Subject)
		}
		if j, dup := seen[string(pub)]; dup {
			return nil, fmt.Errorf("ospkg: signing: signers %d and %d have the same key", j, i)
		}
		seen[string(pub)] = i
		sig, err := s.Signer().Sign(nil, msg, crypto.Hash(0))
		if err != nil {
			return nil, fmt.Errorf("ospkg: signing: signer %d (%q): %w", i, cert.Subject, err)
		}
		if !ed25519.Verify(pub, msg, sig) {
			return nil, fmt.Errorf("ospkg: signing: signer %d (%q) produced a signature that does not verify", i, cert.Subject)
		}
		d.Certificates = append(d.Certificates, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}))
		d.Signatures = append(d.Signatures, sig)
	}
	return d, nil
}
