package ospkg

import (
	"bytes"
	"crypto/x509"
	"testing"
	"time"

	"manx/internal/testutil"
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
