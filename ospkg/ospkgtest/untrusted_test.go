package ospkgtest

import (
	"bytes"
	"crypto/x509"
	"testing"
	"time"

	"manx/internal/testutil"
)

var testEpoch = time.Unix(1763900000, 0).UTC()

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
	root, _ := testutil.Ed25519Hierarchy(t, testEpoch)
	pool := x509.NewCertPool()
	pool.AddCert(root)
	if _, err := a.Certificate().Verify(x509.VerifyOptions{Roots: pool, CurrentTime: testEpoch}); err == nil {
		t.Error("the untrusted signer chains to an unrelated root")
	}
}
