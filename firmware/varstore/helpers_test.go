package varstore

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"flag"
	"math/big"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// testEpoch is the build time the golden files use.
var testEpoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// mkCert returns a throw-away self-signed RSA-2048 certificate.
func mkCert(t testing.TB, cn string) *x509.Certificate {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatalf("rsa.GenerateKey: %v", err)
	}
	serial, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
		NotAfter:              time.Date(2035, 1, 1, 0, 0, 0, 0, time.UTC),
		BasicConstraintsValid: true,
		IsCA:                  true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatalf("x509.CreateCertificate: %v", err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var (
	throwAwayOnce  sync.Once
	throwAwayCerts Certs
)

// throwAway returns one set of throw-away certificates per test binary
// (RSA key generation is slow on shared cores).
func throwAway(t testing.TB) Certs {
	t.Helper()
	throwAwayOnce.Do(func() {
		throwAwayCerts = Certs{
			PK:  mkCert(t, "throw-away PK"),
			KEK: []*x509.Certificate{mkCert(t, "throw-away KEK")},
			DB:  []*x509.Certificate{mkCert(t, "throw-away db 1"), mkCert(t, "throw-away db 2")},
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

// golden compares got with testdata/name, rewriting it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file (run with -update to create it): %v", err)
	}
	if string(got) != string(want) {
		t.Errorf("output differs from %s (run with -update and review the diff)", path)
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
