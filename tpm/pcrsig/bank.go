package pcrsig

import (
	"crypto"
	_ "crypto/sha1" // the sha1 bank
	_ "crypto/sha256"
	_ "crypto/sha512" // the sha384 and sha512 banks
	"fmt"
)

// Bank names as .pcrsig writes them (lower case).
const (
	SHA1   = "sha1"
	SHA256 = "sha256"
	SHA384 = "sha384"
	SHA512 = "sha512"
)

// bank is a PCR bank: its TPM_ALG_ID and Go hash.
type bank struct {
	alg  uint16
	hash crypto.Hash
}

// banks are the banks systemd-measure knows (TPM 2.0 Part 2, TPM_ALG_ID).
var banks = map[string]bank{
	SHA1:   {0x0004, crypto.SHA1},
	SHA256: {0x000B, crypto.SHA256},
	SHA384: {0x000C, crypto.SHA384},
	SHA512: {0x000D, crypto.SHA512},
}

// lookupBank returns the bank called name.
func lookupBank(name string) (bank, error) {
	b, ok := banks[name]
	if !ok {
		return bank{}, fmt.Errorf("unknown PCR bank %q (want sha1, sha256, sha384 or sha512)", name)
	}
	return b, nil
}
