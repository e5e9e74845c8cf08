package verity

import (
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"io"
)

// Seed is a 16-byte value the salt and superblock UUID derive from, as
// systemd-repart's --seed.
type Seed [16]byte

// ContentSeed is the first 16 bytes of the data's SHA-256: Manx's seed,
// so a hash device depends on nothing but the filesystem image.
func ContentSeed(data io.Reader) (Seed, error) {
	h := sha256.New()
	if _, err := io.Copy(h, data); err != nil {
		return Seed{}, fmt.Errorf("verity: hashing the data: %w", err)
	}
	var s Seed
	copy(s[:], h.Sum(nil))
	return s, nil
}

// Params derives the salt and superblock UUID from the seed the way
// systemd-repart does: salt = HMAC-SHA256(seed, "verity-salt") (32
// bytes), UUID = the first 16 bytes of HMAC-SHA256(seed, "verity-uuid")
// made a version-4 UUID. Block sizes are 4096.
func (s Seed) Params() Params {
	return Params{
		Salt:          derive(s, "verity-salt"),
		UUID:          v4(derive(s, "verity-uuid")),
		DataBlockSize: 4096,
		HashBlockSize: 4096,
	}
}

func derive(s Seed, token string) []byte {
	m := hmac.New(sha256.New, s[:])
	m.Write([]byte(token))
	return m.Sum(nil)
}

// v4 is the first 16 bytes of b with the version-4 and RFC 4122 variant
// bits set (systemd's id128_make_v4_uuid).
func v4(b []byte) [16]byte {
	var u [16]byte
	copy(u[:], b)
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return u
}
