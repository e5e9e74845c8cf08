package ospkgtest

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"
	"time"

	"manx/sign"
)

var testEpoch = time.Unix(1763900000, 0).UTC()

// testHierarchy returns a throw-away Ed25519 root and a signer it issued.
func testHierarchy(t *testing.T) (*x509.Certificate, *sign.Static) {
	t.Helper()
	issue := func(cn string, ca bool, parent *x509.Certificate, parentKey ed25519.PrivateKey) (*x509.Certificate, ed25519.PrivateKey) {
		_, key, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: cn},
			NotBefore: testEpoch, NotAfter: testEpoch.AddDate(10, 0, 0),
			KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, BasicConstraintsValid: true, IsCA: ca,
		}
		if parent == nil {
			parent, parentKey = tmpl, key
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), parentKey)
		if err != nil {
			t.Fatal(err)
		}
		c, err := x509.ParseCertificate(der)
		if err != nil {
			t.Fatal(err)
		}
		return c, key
	}
	root, rootKey := issue("test root", true, nil, nil)
	cert, key := issue("test signer", false, root, rootKey)
	s, err := sign.NewStatic(key, cert)
	if err != nil {
		t.Fatal(err)
	}
	return root, s
}

func TestUntrustedSignerReproducible(t *testing.T) {
	a, err := UntrustedSigner(testEpoch)
	if err != nil {
		t.Fatal(err)
	}
	b, err := UntrustedSigner(testEpoch)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Certificate().Raw, b.Certificate().Raw) {
		t.Error("UntrustedSigner(same time) gave two different certificates")
	}
	if !a.Certificate().NotBefore.Equal(testEpoch) {
		t.Errorf("NotBefore = %v, want %v", a.Certificate().NotBefore, testEpoch)
	}
	root, _ := testHierarchy(t)
	pool := x509.NewCertPool()
	pool.AddCert(root)
	if _, err := a.Certificate().Verify(x509.VerifyOptions{Roots: pool, CurrentTime: testEpoch}); err == nil {
		t.Error("the untrusted signer chains to an unrelated root")
	}
}
