package ospkgtest

import (
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"time"

	"manx/sign"
)

// SecondCertificate is what one root key holder mints to meet a threshold
// of 2 alone: signer's key under a second certificate issued by root
// (serial 2, NotBefore t). Ed25519 being deterministic, it is
// reproducible, and the signer's signatures serve for it. A key counts
// once whatever certificates carry it, so it adds nothing.
func SecondCertificate(root, signer *sign.Static, t time.Time) (*x509.Certificate, error) {
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(2),
		Subject:               pkix.Name{CommonName: "Manx stboot signer (second certificate, same key)"},
		NotBefore:             t.UTC().Truncate(time.Second),
		NotAfter:              time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(noRandom{}, tmpl, root.Certificate(), signer.Certificate().PublicKey, root.Signer())
	if err != nil {
		return nil, fmt.Errorf("second signer certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("second signer certificate: %w", err)
	}
	return cert, nil
}
