package sign

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"testing"
	"time"
)

func selfSigned(t *testing.T) (*ecdsa.PrivateKey, *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Manx test"},
		NotBefore: time.Unix(1735689600, 0), NotAfter: time.Unix(1735689600, 0).AddDate(1, 0, 0)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return key, cert
}

func TestNewStaticMismatch(t *testing.T) {
	ka, ca := selfSigned(t)
	_, cb := selfSigned(t)
	if _, err := NewStatic(ka, ca); err != nil {
		t.Errorf("NewStatic(key A, cert A) = %v, want nil", err)
	}
	if _, err := NewStatic(ka, cb); err == nil {
		t.Errorf("NewStatic(key A, cert B) = nil error, want mismatch error")
	}
}
