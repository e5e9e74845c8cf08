package ospkgtest

import (
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"

	"manx/sign"
)

// hierarchy is a root and the signer it issued, from fixed seeds.
func hierarchy(t *testing.T) (root, signer *sign.Static) {
	t.Helper()
	mk := func(cn string, serial int64, ca bool, parent *sign.Static) *sign.Static {
		seed := sha256.Sum256([]byte(cn))
		key := ed25519.NewKeyFromSeed(seed[:])
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: cn},
			NotBefore: testEpoch, NotAfter: testEpoch.AddDate(1, 0, 0), KeyUsage: x509.KeyUsageDigitalSignature,
			BasicConstraintsValid: true, IsCA: ca}
		issuer, issuerKey := tmpl, key
		if ca {
			tmpl.KeyUsage |= x509.KeyUsageCertSign
		} else {
			issuer, issuerKey = parent.Certificate(), parent.Signer().(ed25519.PrivateKey)
		}
		der, err := x509.CreateCertificate(noRandom{}, tmpl, issuer, key.Public(), issuerKey)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := x509.ParseCertificate(der)
		st, err := sign.NewStatic(key, c)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	root = mk("test root", 1, true, nil)
	return root, mk("test signer", 2, false, root)
}

func TestSecondCertificate(t *testing.T) {
	root, signer := hierarchy(t)
	a, err := SecondCertificate(root, signer, testEpoch)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := SecondCertificate(root, signer, testEpoch)
	if string(a.Raw) != string(b.Raw) {
		t.Error("the second certificate is not reproducible")
	}
	if err := a.CheckSignatureFrom(root.Certificate()); err != nil {
		t.Errorf("not issued by the root: %v", err)
	}
	if !a.PublicKey.(ed25519.PublicKey).Equal(signer.Certificate().PublicKey) || string(a.Raw) == string(signer.Certificate().Raw) {
		t.Error("want the signer's key under a different certificate")
	}
}
