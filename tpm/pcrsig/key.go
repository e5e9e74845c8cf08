package pcrsig

import (
	"bytes"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
)

// Key size bounds ParsePublicKeyPEM accepts, in bits.
const (
	MinKeyBits = 2048
	MaxKeyBits = 8192
)

// maxPEMSize bounds a .pcrpkey (an RSA-8192 SPKI PEM is under 1.5 KiB).
const maxPEMSize = 16 << 10

// Fingerprint returns a .pcrsig pkfp: SHA-256 of the key's PKCS#1
// RSAPublicKey DER (OpenSSL i2d_PublicKey), not of the SPKI.
func Fingerprint(pub *rsa.PublicKey) []byte {
	sum := sha256.Sum256(x509.MarshalPKCS1PublicKey(pub))
	return sum[:]
}

// PublicKeyPEM returns the .pcrpkey section: the key as PEM "PUBLIC KEY"
// (SubjectPublicKeyInfo), as systemd-measure and ukify expect.
func PublicKeyPEM(pub *rsa.PublicKey) ([]byte, error) {
	if pub == nil || pub.N == nil {
		return nil, errors.New("pcrpkey: no public key")
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("pcrpkey: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}

// ParsePublicKeyPEM reads a .pcrpkey: exactly one PEM "PUBLIC KEY" block
// holding an RSA SubjectPublicKeyInfo of MinKeyBits to MaxKeyBits bits,
// with nothing but white space around it.
func ParsePublicKeyPEM(b []byte) (*rsa.PublicKey, error) {
	if len(b) > maxPEMSize {
		return nil, fmt.Errorf("pcrpkey: %d bytes, more than %d", len(b), maxPEMSize)
	}
	blk, rest := pem.Decode(b)
	if blk == nil {
		return nil, errors.New("pcrpkey: no PEM block")
	}
	if len(bytes.TrimSpace(rest)) > 0 {
		return nil, errors.New("pcrpkey: data after the PEM block")
	}
	if !bytes.HasPrefix(bytes.TrimSpace(b), []byte("-----BEGIN ")) || bytes.Count(b, []byte("-----BEGIN")) != 1 {
		return nil, errors.New("pcrpkey: data before the PEM block")
	}
	if blk.Type != "PUBLIC KEY" {
		return nil, fmt.Errorf("pcrpkey: PEM type %q, want \"PUBLIC KEY\"", blk.Type)
	}
	if len(blk.Headers) > 0 {
		return nil, errors.New("pcrpkey: PEM headers are not allowed")
	}
	k, err := x509.ParsePKIXPublicKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("pcrpkey: %w", err)
	}
	pub, ok := k.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("pcrpkey: %T key, want RSA", k)
	}
	if n := pub.N.BitLen(); n < MinKeyBits || n > MaxKeyBits {
		return nil, fmt.Errorf("pcrpkey: RSA key of %d bits, want %d to %d", n, MinKeyBits, MaxKeyBits)
	}
	return pub, nil
}
