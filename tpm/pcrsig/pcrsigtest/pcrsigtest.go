// Package pcrsigtest holds the refusal fixture of Manx's signed PCR policy
// checks: a PCR policy key that nothing trusts. Its private key is public
// (other-key.pem, committed on purpose and embedded, so it is an input of
// the uki group), so the fixture UKI it signs is reproducible and its db
// signature can be replayed from the signature log. It was made with
//
//	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out other-key.pem
package pcrsigtest

import (
	"crypto/rsa"
	"crypto/x509"
	_ "embed"
	"encoding/pem"
	"fmt"
)

//go:embed other-key.pem
var otherKeyPEM []byte

// OtherKey returns the public test key that signs the .pcrsig of the
// "another PCR policy key" fixture. It must be trusted by nothing.
func OtherKey() (*rsa.PrivateKey, error) {
	b, _ := pem.Decode(otherKeyPEM)
	if b == nil || b.Type != "PRIVATE KEY" {
		return nil, fmt.Errorf("pcrsigtest: other-key.pem: no PKCS #8 PEM block")
	}
	k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
	if err != nil {
		return nil, fmt.Errorf("pcrsigtest: other-key.pem: %w", err)
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("pcrsigtest: other-key.pem: a %T key, want RSA", k)
	}
	return rk, nil
}
