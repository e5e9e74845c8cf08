package pcr

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"

	"github.com/foxboron/go-uefi/authenticode"

	"manx/firmware/varstore"
)

// ErrNoAuthority is returned when no db certificate verifies the image.
var ErrNoAuthority = errors.New("no db certificate verifies the image")

// FindAuthority returns the db entry the firmware measures as the
// authority for the signed PE image img: the first X.509 entry of db, in
// list order, whose certificate is the signer of one of img's Authenticode
// signatures or an issuer of the signer (by name and key) through the certificates the
// signature carries, as EDK II's DxeImageVerificationLib (IsAllowedByDb)
// tries them. Validity periods are not checked (EDK II does not), and db
// hash entries are not considered. img's digest must match its signature.
func FindAuthority(img []byte, db []byte) (*varstore.SignatureEntry, error) {
	lists, err := varstore.ParseSignatureLists(db)
	if err != nil {
		return nil, fmt.Errorf("finding the db authority: db: %w", err)
	}
	bin, err := authenticode.Parse(bytes.NewReader(img))
	if err != nil {
		return nil, fmt.Errorf("finding the db authority: %w", err)
	}
	sigs, err := bin.Signatures()
	if err != nil || len(sigs) == 0 {
		return nil, fmt.Errorf("finding the db authority: image is not signed (%v)", err)
	}
	// The signers: embedded certificates whose key made a valid signature
	// over img's digest, with the embedded certificates as intermediates.
	type signer struct {
		cert  *x509.Certificate
		chain []*x509.Certificate
	}
	var signers []signer
	for _, s := range sigs {
		a, err := authenticode.ParseAuthenticode(s.Certificate)
		if err != nil {
			continue
		}
		for _, c := range a.Pkcs.Certs {
			if ok, err := bin.Verify(c); err == nil && ok {
				signers = append(signers, signer{c, a.Pkcs.Certs})
			}
		}
	}
	for _, l := range lists {
		if l.Type != varstore.CertX509GUID {
			continue
		}
		for i, e := range l.Entries {
			root, err := x509.ParseCertificate(e.Data)
			if err != nil {
				continue
			}
			for _, s := range signers {
				if chainsTo(s.cert, root, s.chain) {
					return &l.Entries[i], nil
				}
			}
			// A signature that does not embed its signer's certificate.
			if ok, err := bin.Verify(root); err == nil && ok {
				return &l.Entries[i], nil
			}
		}
	}
	return nil, fmt.Errorf("finding the db authority: %w", ErrNoAuthority)
}

// chainsTo reports whether leaf is root, or is issued by root directly or
// through certificates in pool.
func chainsTo(leaf, root *x509.Certificate, pool []*x509.Certificate) bool {
	seen := map[*x509.Certificate]bool{}
	for c := leaf; c != nil && !seen[c]; {
		seen[c] = true
		if c.Equal(root) || issuedBy(c, root) {
			return true
		}
		var next *x509.Certificate
		for _, p := range pool {
			if !seen[p] && issuedBy(c, p) {
				next = p
				break
			}
		}
		c = next
	}
	return false
}

// issuedBy reports whether parent's name and key issued c.
func issuedBy(c, parent *x509.Certificate) bool {
	return bytes.Equal(c.RawIssuer, parent.RawSubject) && c.CheckSignatureFrom(parent) == nil
}
