package eventlog

import (
	"crypto"
	_ "crypto/sha1"   // registers crypto.SHA1
	_ "crypto/sha256" // registers crypto.SHA256
	_ "crypto/sha512" // registers crypto.SHA384 and crypto.SHA512
	"fmt"
	"strings"
)

// Alg is a TPM_ALG_ID naming a hash algorithm (a PCR bank).
type Alg uint16

// The banks a PC Client TPM may allocate (TCG Algorithm Registry).
const (
	SHA1   Alg = 0x0004
	SHA256 Alg = 0x000B
	SHA384 Alg = 0x000C
	SHA512 Alg = 0x000D
	SM3256 Alg = 0x0012
)

// maxDigestSize bounds the digest size a Spec ID event may declare: the
// largest hash any TPM implements (SHA-512, SHA3-512) has 64 bytes.
const maxDigestSize = 64

var algInfo = map[Alg]struct {
	name string
	size int
	hash crypto.Hash
}{
	SHA1:   {"sha1", 20, crypto.SHA1},
	SHA256: {"sha256", 32, crypto.SHA256},
	SHA384: {"sha384", 48, crypto.SHA384},
	SHA512: {"sha512", 64, crypto.SHA512},
	SM3256: {"sm3_256", 32, 0},
}

// String returns the lower-case bank name ("sha256"), or "alg(0x0042)".
func (a Alg) String() string {
	if i, ok := algInfo[a]; ok {
		return i.name
	}
	return fmt.Sprintf("alg(%#04x)", uint16(a))
}

// Size returns the digest size in bytes, 0 for an unknown algorithm.
func (a Alg) Size() int { return algInfo[a].size }

// Hash returns the Go hash for a, false when Go has none (SM3, unknown).
func (a Alg) Hash() (crypto.Hash, bool) {
	h := algInfo[a].hash
	return h, h != 0 && h.Available()
}

// Sum returns the digest of b with a; it fails for banks Go cannot hash.
func (a Alg) Sum(b ...[]byte) ([]byte, error) {
	h, ok := a.Hash()
	if !ok {
		return nil, fmt.Errorf("hashing with %s: algorithm not supported", a)
	}
	d := h.New()
	for _, p := range b {
		d.Write(p)
	}
	return d.Sum(nil), nil
}

// ParseAlg parses a bank name as String writes it ("sha256", any case).
func ParseAlg(s string) (Alg, error) {
	for a, i := range algInfo {
		if strings.EqualFold(s, i.name) {
			return a, nil
		}
	}
	return 0, fmt.Errorf("unknown hash algorithm %q (want sha1, sha256, sha384, sha512 or sm3_256)", s)
}
