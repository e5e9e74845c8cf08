package testutil

import (
	"bytes"
	"crypto/x509"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"manx/sign"
)

var notBefore = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

var _ sign.Signer = (*Cert)(nil)

func TestRSACert(t *testing.T) {
	a, b := RSACert(t, "A"), RSACert(t, "B")
	if bytes.Equal(a.Certificate().Raw, b.Certificate().Raw) {
		t.Error("two RSACert certificates are equal, want distinct ones")
	}
	for _, s := range []*Cert{a, b} {
		c := s.Certificate()
		if !c.IsCA || !slices.Equal(c.ExtKeyUsage, []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning}) {
			t.Errorf("%s: IsCA %v, EKU %v, want a code-signing CA", c.Subject.CommonName, c.IsCA, c.ExtKeyUsage)
		}
		if err := c.CheckSignatureFrom(c); err != nil {
			t.Errorf("%s is not self-signed: %v", c.Subject.CommonName, err)
		}
	}
}

func TestEd25519(t *testing.T) {
	root := Ed25519Cert(t, "root", 1, notBefore, nil)
	leaf := Ed25519Cert(t, "leaf", 2, notBefore, root)
	if again := Ed25519Cert(t, "leaf", 2, notBefore, root); !bytes.Equal(again.Certificate().Raw, leaf.Certificate().Raw) {
		t.Error("Ed25519Cert(same seed) gave a different certificate")
	}
	verify := func(root *x509.Certificate, s *Cert) error {
		pool := x509.NewCertPool()
		pool.AddCert(root)
		_, err := s.Certificate().Verify(x509.VerifyOptions{Roots: pool, CurrentTime: notBefore.Add(time.Hour)})
		return err
	}
	if err := verify(root.Certificate(), leaf); err != nil {
		t.Errorf("Ed25519Cert leaf does not chain to its root: %v", err)
	}
	hr, hs := Ed25519Hierarchy(t, notBefore)
	if err := verify(hr, hs); err != nil {
		t.Errorf("Ed25519Hierarchy signer does not chain to its root: %v", err)
	}
	if err := verify(hr, leaf); err == nil {
		t.Error("a leaf of another root chains to the Ed25519Hierarchy root")
	}
}

func TestWritePEM(t *testing.T) {
	for _, s := range []*Cert{RSACert(t, "rsa"), Ed25519Cert(t, "ed25519", 1, notBefore, nil)} {
		keyPath, certPath := WritePEM(t, t.TempDir(), s)
		got, err := sign.LoadFiles(keyPath, certPath)
		if err != nil {
			t.Fatalf("LoadFiles(WritePEM) = %v", err)
		}
		if !bytes.Equal(got.Certificate().Raw, s.Certificate().Raw) {
			t.Error("LoadFiles(WritePEM(s)) has another certificate")
		}
		fi, err := os.Stat(keyPath)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", filepath.Base(keyPath), fi.Mode().Perm())
		}
	}
}
