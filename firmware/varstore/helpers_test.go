package varstore

import (
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"manx/internal/testutil"
)

// testEpoch is the build time the golden files use.
var testEpoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

var (
	throwAwayOnce  sync.Once
	throwAwayCerts Certs
)

// throwAway returns one set of throw-away RSA-2048 certificates per test
// binary (they share one key: see testutil.RSACert).
func throwAway(t testing.TB) Certs {
	t.Helper()
	throwAwayOnce.Do(func() {
		cert := func(cn string) *x509.Certificate { return testutil.RSACert(t, cn).Certificate() }
		throwAwayCerts = Certs{
			PK:  cert("throw-away PK"),
			KEK: []*x509.Certificate{cert("throw-away KEK")},
			DB:  []*x509.Certificate{cert("throw-away db 1"), cert("throw-away db 2")},
		}
	})
	return throwAwayCerts
}

// fixedCerts returns the committed test certificates used by golden tests.
func fixedCerts(t testing.TB) Certs {
	t.Helper()
	load := func(name string) *x509.Certificate {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		block, _ := pem.Decode(b)
		if block == nil {
			t.Fatalf("%s: no PEM block", name)
		}
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return c
	}
	return Certs{
		PK:  load("manx-test-pk.pem"),
		KEK: []*x509.Certificate{load("manx-test-kek.pem")},
		DB:  []*x509.Certificate{load("manx-test-db.pem")},
	}
}

// mustNew builds a store or fails the test.
func mustNew(t testing.TB, k Kind, c Certs) *Store {
	t.Helper()
	s, err := New(k, c, testEpoch)
	if err != nil {
		t.Fatalf("New(%v) error = %v", k, err)
	}
	return s
}

// debianOVMF returns the path of a Debian ovmf image or skips the test.
func debianOVMF(t *testing.T, name string) string {
	t.Helper()
	p := filepath.Join("/usr/share/OVMF", name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("Debian ovmf image %s absent (apt-get install ovmf): %v", p, err)
	}
	return p
}
