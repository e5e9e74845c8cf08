package sign

import (
	"testing"
	"time"

	"manx/internal/testutil"
)

func TestNewStaticMismatch(t *testing.T) {
	notBefore := time.Unix(1735689600, 0)
	a := testutil.Ed25519Cert(t, "Manx test A", 1, notBefore, nil)
	b := testutil.Ed25519Cert(t, "Manx test B", 2, notBefore, nil)
	if _, err := NewStatic(a.Signer(), a.Certificate()); err != nil {
		t.Errorf("NewStatic(key A, cert A) = %v, want nil", err)
	}
	if _, err := NewStatic(a.Signer(), b.Certificate()); err == nil {
		t.Errorf("NewStatic(key A, cert B) = nil error, want mismatch error")
	}
}
