package verity

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// SuperblockSize is the size of veritysetup's superblock; it is padded to
// one hash block on the device.
const SuperblockSize = 512

// signature opens every superblock.
var signature = [8]byte{'v', 'e', 'r', 'i', 't', 'y', 0, 0}

// MaxSalt is the largest salt the superblock holds.
const MaxSalt = 256

// Superblock is the header veritysetup writes at the start of the hash
// device (struct verity_sb in cryptsetup's lib/verity/verity.c, little
// endian).
type Superblock struct {
	Version       uint32 // 1
	HashType      uint32 // 1: salt before the block (0 is Chrome OS's, after)
	UUID          [16]byte
	Algorithm     string // "sha256"
	DataBlockSize uint32
	HashBlockSize uint32
	DataBlocks    uint64
	Salt          []byte
}

// Marshal returns the 512-byte superblock.
func (s Superblock) Marshal() ([]byte, error) {
	if len(s.Salt) > MaxSalt {
		return nil, fmt.Errorf("verity: salt of %d bytes, at most %d", len(s.Salt), MaxSalt)
	}
	if len(s.Algorithm) >= 32 {
		return nil, fmt.Errorf("verity: algorithm name %q too long", s.Algorithm)
	}
	b := make([]byte, SuperblockSize)
	copy(b[0:8], signature[:])
	le := binary.LittleEndian
	le.PutUint32(b[8:], s.Version)
	le.PutUint32(b[12:], s.HashType)
	copy(b[16:32], s.UUID[:])
	copy(b[32:64], s.Algorithm)
	le.PutUint32(b[64:], s.DataBlockSize)
	le.PutUint32(b[68:], s.HashBlockSize)
	le.PutUint64(b[72:], s.DataBlocks)
	le.PutUint16(b[80:], uint16(len(s.Salt)))
	copy(b[88:88+MaxSalt], s.Salt)
	return b, nil
}

// ParseSuperblock reads a superblock from the first SuperblockSize bytes
// of b. It checks the signature, version, hash type and sizes, not the
// tree.
func ParseSuperblock(b []byte) (Superblock, error) {
	if len(b) < SuperblockSize {
		return Superblock{}, fmt.Errorf("verity: superblock: %d bytes, want %d", len(b), SuperblockSize)
	}
	if !bytes.Equal(b[0:8], signature[:]) {
		return Superblock{}, errors.New("verity: superblock: no \"verity\" signature")
	}
	le := binary.LittleEndian
	s := Superblock{
		Version:       le.Uint32(b[8:]),
		HashType:      le.Uint32(b[12:]),
		Algorithm:     cString(b[32:64]),
		DataBlockSize: le.Uint32(b[64:]),
		HashBlockSize: le.Uint32(b[68:]),
		DataBlocks:    le.Uint64(b[72:]),
	}
	copy(s.UUID[:], b[16:32])
	if bytes.IndexByte(b[32:64], 0) < 0 {
		return Superblock{}, errors.New("verity: superblock: algorithm name not NUL-terminated")
	}
	if s.Version != 1 {
		return Superblock{}, fmt.Errorf("verity: superblock version %d, want 1", s.Version)
	}
	if s.HashType != 1 {
		return Superblock{}, fmt.Errorf("verity: hash type %d, want 1", s.HashType)
	}
	if err := checkBlockSize("data", s.DataBlockSize); err != nil {
		return Superblock{}, err
	}
	if err := checkBlockSize("hash", s.HashBlockSize); err != nil {
		return Superblock{}, err
	}
	n := int(le.Uint16(b[80:]))
	if n > MaxSalt {
		return Superblock{}, fmt.Errorf("verity: superblock: salt of %d bytes, at most %d", n, MaxSalt)
	}
	s.Salt = bytes.Clone(b[88 : 88+n])
	return s, nil
}

// checkBlockSize accepts powers of two from 512 bytes to 64 KiB.
func checkBlockSize(what string, n uint32) error {
	if n < 512 || n > 1<<16 || n&(n-1) != 0 {
		return fmt.Errorf("verity: %s block size %d, want a power of two from 512 to 65536", what, n)
	}
	return nil
}

// cString is b up to its first NUL.
func cString(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}
