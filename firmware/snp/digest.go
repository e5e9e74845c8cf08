package snp

import (
	"crypto/sha512"
	"encoding/binary"
	"encoding/hex"
	"fmt"
)

// DigestSize is the size of a launch digest (SHA-384).
const DigestSize = sha512.Size384

// Digest is an SEV-SNP launch digest, the MEASUREMENT field of an attestation report.
type Digest [DigestSize]byte

// String returns d in lower-case hex.
func (d Digest) String() string { return hex.EncodeToString(d[:]) }

// MarshalText encodes d as lower-case hex.
func (d Digest) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText decodes 96 hex digits.
func (d *Digest) UnmarshalText(b []byte) error {
	got, err := ParseDigest(string(b))
	if err != nil {
		return err
	}
	*d = got
	return nil
}

// ParseDigest decodes a digest from 96 hex digits.
func ParseDigest(s string) (Digest, error) {
	var d Digest
	if len(s) != 2*DigestSize {
		return d, fmt.Errorf("parsing launch digest: %d hex digits, want %d", len(s), 2*DigestSize)
	}
	if _, err := hex.Decode(d[:], []byte(s)); err != nil {
		return d, fmt.Errorf("parsing launch digest: %w", err)
	}
	return d, nil
}

// PageType is the PAGE_TYPE of an SNP_LAUNCH_UPDATE (SNP ABI, PAGE_INFO).
type PageType uint8

// Page types. Only NORMAL and VMSA pages contribute their contents' hash; the
// others contribute 48 zero bytes.
const (
	PageNormal     PageType = 1
	PageVMSA       PageType = 2
	PageZero       PageType = 3
	PageUnmeasured PageType = 4
	PageSecrets    PageType = 5
	PageCPUID      PageType = 6
)

const (
	pageSize     = 0x1000
	pageInfoSize = 0x70
)

// update is one SNP_LAUNCH_UPDATE as seen by the digest.
type update struct {
	Type     PageType
	GPA      uint64
	Contents Digest // SHA-384 of the page for NORMAL and VMSA pages, else zero
	LD       Digest // launch digest after the update
}

// chain is the running launch digest.
type chain struct {
	ld    Digest
	trace func(update) // called after each update when set (tests)
}

// extend folds one page into the digest: LD = SHA-384(PAGE_INFO).
func (c *chain) extend(t PageType, gpa uint64, contents *Digest) {
	var pi [pageInfoSize]byte
	copy(pi[0x00:], c.ld[:])
	copy(pi[0x30:], contents[:])
	binary.LittleEndian.PutUint16(pi[0x60:], pageInfoSize)
	pi[0x62] = byte(t)
	// 0x63 IMI_PAGE, 0x64..0x66 VMPL3..1 permissions and 0x67 stay zero.
	binary.LittleEndian.PutUint64(pi[0x68:], gpa)
	c.ld = sha512.Sum384(pi[:])
	if c.trace != nil {
		c.trace(update{Type: t, GPA: gpa, Contents: *contents, LD: c.ld})
	}
}

// measuredPages extends the digest with the pages of data (a multiple of the page
// size) as type t (NORMAL or VMSA) starting at gpa.
func (c *chain) measuredPages(t PageType, gpa uint64, data []byte) {
	for off := 0; off < len(data); off += pageSize {
		sum := Digest(sha512.Sum384(data[off : off+pageSize]))
		c.extend(t, gpa+uint64(off), &sum)
	}
}

// emptyPages extends the digest with size/pageSize pages of a type whose contents
// are not measured (ZERO, UNMEASURED, SECRETS, CPUID) starting at gpa.
func (c *chain) emptyPages(t PageType, gpa, size uint64) {
	var zero Digest
	for off := uint64(0); off < size; off += pageSize {
		c.extend(t, gpa+off, &zero)
	}
}

func sha512Sum384(p *[pageSize]byte) [DigestSize]byte { return sha512.Sum384(p[:]) }
