package testutil

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// Cert is a throw-away key and its certificate. It implements
// manx/sign.Signer (testutil is in the bottom layer and does not import
// sign; sign.NewStatic(c.Signer(), c.Certificate()) makes a *sign.Static).
type Cert struct {
	key  crypto.Signer
	cert *x509.Certificate
}

// Signer returns the private key.
func (c *Cert) Signer() crypto.Signer { return c.key }

// Certificate returns the certificate.
func (c *Cert) Certificate() *x509.Certificate { return c.cert }

// rsaKey is the test binary's one RSA key: generating a 2048-bit key takes
// up to seconds on shared cores, so tests share it.
var rsaKey = sync.OnceValues(func() (*rsa.PrivateKey, error) {
	return rsa.GenerateKey(rand.Reader, 2048)
})

// RSACert returns a throw-away RSA-2048 key with a new
// self-signed certificate named cn that serves as a UEFI PK or KEK (a CA) and
// as a code-signing db certificate: valid from 2025 to 2055, random serial.
// All of a test binary's RSACerts share the key (do not modify it, and do
// not rely on two having different keys); their certificates differ.
func RSACert(tb testing.TB, cn string) *Cert {
	tb.Helper()
	key, err := rsaKey()
	if err != nil {
		tb.Fatalf("generating the RSA test key: %v", err)
	}
	serial, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	if err != nil {
		tb.Fatal(err)
	}
	return issue(tb, &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:              time.Date(2055, 1, 1, 0, 0, 0, 0, time.UTC),
		BasicConstraintsValid: true,
		IsCA:                  true,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
	}, key, nil)
}

// Ed25519Cert returns the Ed25519 key whose seed is seed
// repeated (the same key in every run, so failures and fuzz corpora
// reproduce) with a certificate named cn, serial number seed, valid for ten
// years from notBefore and issued by parent; with a nil parent it is a
// self-signed CA.
func Ed25519Cert(tb testing.TB, cn string, seed byte, notBefore time.Time, parent *Cert) *Cert {
	tb.Helper()
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
	return issue(tb, ed25519Template(cn, big.NewInt(int64(seed)), notBefore, parent == nil), key, parent)
}

// Ed25519Hierarchy returns a self-signed root certificate and a signer it
// issued, both over new random Ed25519 keys and valid for ten years from
// notBefore.
func Ed25519Hierarchy(tb testing.TB, notBefore time.Time) (root *x509.Certificate, signer *Cert) {
	tb.Helper()
	r, s := Ed25519HierarchyKeys(tb, notBefore)
	return r.Certificate(), s
}

// Ed25519HierarchyKeys is Ed25519Hierarchy with the root's key.
func Ed25519HierarchyKeys(tb testing.TB, notBefore time.Time) (root, signer *Cert) {
	tb.Helper()
	newKey := func() ed25519.PrivateKey {
		_, k, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			tb.Fatal(err)
		}
		return k
	}
	r := issue(tb, ed25519Template("test root", big.NewInt(1), notBefore, true), newKey(), nil)
	s := issue(tb, ed25519Template("test signer", big.NewInt(2), notBefore, false), newKey(), r)
	return r, s
}

func ed25519Template(cn string, serial *big.Int, notBefore time.Time, ca bool) *x509.Certificate {
	t := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             notBefore,
		NotAfter:              notBefore.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  ca,
	}
	if ca {
		t.KeyUsage |= x509.KeyUsageCertSign
	}
	return t
}

// issue signs tmpl for key with parent, or self-signs it when parent is nil.
func issue(tb testing.TB, tmpl *x509.Certificate, key crypto.Signer, parent *Cert) *Cert {
	tb.Helper()
	issuer, issuerKey := tmpl, key
	if parent != nil {
		issuer, issuerKey = parent.Certificate(), parent.Signer()
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, issuer, key.Public(), issuerKey)
	if err != nil {
		tb.Fatalf("creating test certificate %q: %v", tmpl.Subject.CommonName, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		tb.Fatal(err)
	}
	return &Cert{key: key, cert: cert}
}

// WritePEM writes c's private key (PKCS#8, mode 0600) and certificate to
// dir/signer.key and dir/signer.crt, the files sign.LoadFiles reads.
func WritePEM(tb testing.TB, dir string, c *Cert) (keyPath, certPath string) {
	tb.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(c.key)
	if err != nil {
		tb.Fatal(err)
	}
	keyPath, certPath = filepath.Join(dir, "signer.key"), filepath.Join(dir, "signer.crt")
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.cert.Raw}), 0o644); err != nil {
		tb.Fatal(err)
	}
	return keyPath, certPath
}
