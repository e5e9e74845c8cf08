package ospkg

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"
	"time"

	"manx/internal/testutil"
	"manx/sign"
)

// epoch is the test SOURCE_DATE_EPOCH.
var epoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// hierarchy is a test trust root with signers.
type hierarchy struct {
	root, signer1, signer2 *testutil.Cert
	otherRoot, stranger    *testutil.Cert // a second, untrusted hierarchy
}

func newHierarchy(t testing.TB) *hierarchy {
	t.Helper()
	h := &hierarchy{}
	h.root = testutil.Ed25519Cert(t, "Test root", 1, epoch, nil)
	h.signer1 = testutil.Ed25519Cert(t, "Test signer 1", 2, epoch, h.root)
	h.signer2 = testutil.Ed25519Cert(t, "Test signer 2", 3, epoch, h.root)
	h.otherRoot = testutil.Ed25519Cert(t, "Other root", 4, epoch, nil)
	h.stranger = testutil.Ed25519Cert(t, "Stranger", 5, epoch, h.otherRoot)
	return h
}

func (h *hierarchy) policy(threshold int) TrustPolicy {
	return TrustPolicy{Roots: []*x509.Certificate{h.root.Certificate()}, Threshold: threshold}
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

// issued returns a signer whose Ed25519 key derives from seed and whose
// certificate, named cn, is issued by parent: a leaf with the
// digitalSignature key usage, as Manx's signers, changed by mutate (to make
// certificates Verify must refuse).
func issued(t testing.TB, cn string, seed byte, parent sign.Signer, mutate func(*x509.Certificate)) *sign.Static {
	t.Helper()
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(int64(seed)),
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             epoch,
		NotAfter:              epoch.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
	}
	if mutate != nil {
		mutate(tmpl)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent.Certificate(), key.Public(), parent.Signer())
	if err != nil {
		t.Fatalf("issuing test certificate %q: %v", cn, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	s, err := sign.NewStatic(key, cert)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// testRelease is the release the tests sign.
var testRelease = Release{Label: "Manx test 1.0", Version: 3}
