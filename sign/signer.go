package sign

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"os"
)

// Signer is a signing key with its X.509 certificate. Implementations may keep the key
// in a file, a TPM or a PKCS#11 token; callers only use these two methods.
type Signer interface {
	// Signer returns the private key operation. It must produce RSA PKCS#1 v1.5
	// signatures for crypto.SHA256 (what UEFI accepts).
	Signer() crypto.Signer
	// Certificate returns the certificate whose public key matches Signer.
	Certificate() *x509.Certificate
}

// Static is a Signer over an in-memory key and certificate.
type Static struct {
	key  crypto.Signer
	cert *x509.Certificate
}

// NewStatic returns a Signer for key and cert, checking that they belong together.
func NewStatic(key crypto.Signer, cert *x509.Certificate) (*Static, error) {
	if key == nil || cert == nil {
		return nil, errors.New("signer: key and certificate are required")
	}
	pub, ok := key.Public().(interface{ Equal(crypto.PublicKey) bool })
	if !ok || !pub.Equal(cert.PublicKey) {
		return nil, fmt.Errorf("signer: key does not match certificate %q", cert.Subject)
	}
	return &Static{key: key, cert: cert}, nil
}

// Signer implements Signer.
func (s *Static) Signer() crypto.Signer { return s.key }

// Certificate implements Signer.
func (s *Static) Certificate() *x509.Certificate { return s.cert }

// LoadFiles is the file backend: it reads a PEM private key (PKCS#8 "PRIVATE KEY",
// PKCS#1 "RSA PRIVATE KEY" or SEC 1 "EC PRIVATE KEY") and a PEM or DER certificate.
// The key file must be accessible by its owner only (see ReadKeyFile).
func LoadFiles(keyPath, certPath string) (*Static, error) {
	key, err := ReadKeyFile(keyPath)
	if err != nil {
		return nil, err
	}
	cert, err := ReadCertFile(certPath)
	if err != nil {
		return nil, err
	}
	s, err := NewStatic(key, cert)
	if err != nil {
		return nil, fmt.Errorf("loading %s and %s: %w", keyPath, certPath, err)
	}
	return s, nil
}

// ErrKeyMode reports a private key file that group or others may access.
var ErrKeyMode = errors.New("group or others may access it")

// ReadKeyFile reads a PEM private key. It refuses, wrapping ErrKeyMode, a
// file whose mode gives group or others any access (as OpenSSH does): the
// message names the file, its mode and the chmod that fixes it.
func ReadKeyFile(path string) (crypto.Signer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading key: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat() // the file opened, not whatever the path names now
	if err != nil {
		return nil, fmt.Errorf("reading key: %w", err)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("private key %s has mode %04o: %w; want 0600 or stricter (chmod 600 %s)", path, perm, ErrKeyMode, path)
	}
	b, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("reading key %s: %w", path, err)
	}
	key, err := ParseKeyPEM(b)
	if err != nil {
		return nil, fmt.Errorf("reading key %s: %w", path, err)
	}
	return key, nil
}

// ParseKeyPEM parses the first PEM block of b as a private key.
func ParseKeyPEM(b []byte) (crypto.Signer, error) {
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, errors.New("no PEM block")
	}
	var key any
	var err error
	switch blk.Type {
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(blk.Bytes)
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(blk.Bytes)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(blk.Bytes)
	default:
		return nil, fmt.Errorf("unsupported PEM block %q", blk.Type)
	}
	if err != nil {
		return nil, fmt.Errorf("parsing %s: %w", blk.Type, err)
	}
	s, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("%T is not a signing key", key)
	}
	return s, nil
}

// ReadCertFile reads a PEM or DER X.509 certificate.
func ReadCertFile(path string) (*x509.Certificate, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading certificate: %w", err)
	}
	if blk, _ := pem.Decode(b); blk != nil {
		if blk.Type != "CERTIFICATE" {
			return nil, fmt.Errorf("reading certificate %s: PEM block %q, want CERTIFICATE", path, blk.Type)
		}
		b = blk.Bytes
	}
	cert, err := x509.ParseCertificate(b)
	if err != nil {
		return nil, fmt.Errorf("reading certificate %s: %w", path, err)
	}
	return cert, nil
}
