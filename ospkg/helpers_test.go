package ospkg

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"
	"time"

	"manx/sign"
)

// epoch is the test SOURCE_DATE_EPOCH.
var epoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// edKey returns a deterministic Ed25519 key for seed byte n.
func edKey(n byte) ed25519.PrivateKey {
	return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{n}, ed25519.SeedSize))
}

// mkCert issues a certificate for key, signed by parent (self-signed when
// parent is nil).
func mkCert(t testing.TB, cn string, key ed25519.PrivateKey, ca bool, parent *sign.Static) *sign.Static {
	t.Helper()
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(int64(len(cn)) + 1),
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             epoch,
		NotAfter:              epoch.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  ca,
	}
	if ca {
		tmpl.KeyUsage |= x509.KeyUsageCertSign
	}
	issuer, issuerKey := tmpl, any(key)
	if parent != nil {
		issuer, issuerKey = parent.Certificate(), parent.Signer()
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, issuer, key.Public(), issuerKey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	s, err := sign.NewStatic(key, c)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// hierarchy is a test trust root with signers.
type hierarchy struct {
	root, signer1, signer2 *sign.Static
	otherRoot, stranger    *sign.Static // a second, untrusted hierarchy
}

func newHierarchy(t testing.TB) *hierarchy {
	t.Helper()
	h := &hierarchy{}
	h.root = mkCert(t, "Test root", edKey(1), true, nil)
	h.signer1 = mkCert(t, "Test signer 1", edKey(2), false, h.root)
	h.signer2 = mkCert(t, "Test signer 2", edKey(3), false, h.root)
	h.otherRoot = mkCert(t, "Other root", edKey(4), true, nil)
	h.stranger = mkCert(t, "Stranger", edKey(5), false, h.otherRoot)
	return h
}

func (h *hierarchy) policy(threshold int) TrustPolicy {
	return TrustPolicy{Roots: []*x509.Certificate{h.root.Certificate()}, Threshold: threshold}
}

// rsaSigner returns a self-signed RSA signer (not allowed for OS packages).
func rsaSigner(t testing.TB) *sign.Static {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(9), Subject: pkix.Name{CommonName: "RSA"}, NotBefore: epoch, NotAfter: epoch.AddDate(1, 0, 0)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	s, err := sign.NewStatic(key, c)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// testContents is a small package.
func testContents() Contents {
	return Contents{
		Label:     "Manx test 1.0",
		Kernel:    bytes.Repeat([]byte("MZkernel"), 100),
		Initramfs: bytes.Repeat([]byte("070701initramfs"), 50),
		Cmdline:   "console=ttyS0 manx.test=poweroff",
	}
}

// packed returns the zip of c.
func packed(t testing.TB, c Contents) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Pack(&b, c, epoch); err != nil {
		t.Fatalf("Pack() = %v", err)
	}
	return b.Bytes()
}
