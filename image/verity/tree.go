package verity

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/bits"
)

// Params are what a hash device depends on besides the data.
type Params struct {
	Salt          []byte   // at most MaxSalt bytes
	UUID          [16]byte // the superblock's UUID
	DataBlockSize uint32   // 0 means 4096
	HashBlockSize uint32   // 0 means 4096
}

// Tree is a formatted hash device.
type Tree struct {
	Superblock Superblock
	// Device is the whole hash device: the superblock padded to one hash
	// block, then the tree's levels, top level first.
	Device []byte
	// RootHash is SHA-256(salt || the top level's one block) (or of the
	// one data block when there is only one).
	RootHash []byte
}

// Format computes the hash device for the size bytes of data (a multiple
// of the data block size, at least one block).
func Format(data io.ReaderAt, size int64, p Params) (Tree, error) {
	if p.DataBlockSize == 0 {
		p.DataBlockSize = 4096
	}
	if p.HashBlockSize == 0 {
		p.HashBlockSize = 4096
	}
	if err := checkBlockSize("data", p.DataBlockSize); err != nil {
		return Tree{}, err
	}
	if err := checkBlockSize("hash", p.HashBlockSize); err != nil {
		return Tree{}, err
	}
	if len(p.Salt) > MaxSalt {
		return Tree{}, fmt.Errorf("verity: salt of %d bytes, at most %d", len(p.Salt), MaxSalt)
	}
	dbs := int64(p.DataBlockSize)
	if size <= 0 || size%dbs != 0 {
		return Tree{}, fmt.Errorf("verity: data of %d bytes is not a positive multiple of the %d-byte data block", size, dbs)
	}
	sb := Superblock{
		Version: 1, HashType: 1, UUID: p.UUID, Algorithm: "sha256",
		DataBlockSize: p.DataBlockSize, HashBlockSize: p.HashBlockSize,
		DataBlocks: uint64(size / dbs), Salt: p.Salt,
	}
	h := hasher{salt: p.Salt}

	// Level 0 hashes the data blocks.
	block := make([]byte, dbs)
	digests := make([][]byte, 0, sb.DataBlocks)
	for off := int64(0); off < size; off += dbs {
		if _, err := data.ReadAt(block, off); err != nil && !(errors.Is(err, io.EOF) && off+dbs == size) {
			return Tree{}, fmt.Errorf("verity: reading data block %d: %w", off/dbs, err)
		}
		digests = append(digests, h.sum(block))
	}

	levels := Levels(sb.DataBlocks, p.HashBlockSize)
	// built[i] is level i's hash blocks, bottom (0) up.
	built := make([][]byte, levels)
	for i := range levels {
		built[i] = pack(digests, int(p.HashBlockSize))
		digests = digests[:0:0]
		for off := 0; off < len(built[i]); off += int(p.HashBlockSize) {
			digests = append(digests, h.sum(built[i][off:off+int(p.HashBlockSize)]))
		}
	}
	if len(digests) != 1 {
		return Tree{}, fmt.Errorf("verity: internal error: %d top digests", len(digests))
	}

	sbBytes, err := sb.Marshal()
	if err != nil {
		return Tree{}, err
	}
	dev := make([]byte, p.HashBlockSize)
	copy(dev, sbBytes)
	for i := levels - 1; i >= 0; i-- {
		dev = append(dev, built[i]...)
	}
	return Tree{Superblock: sb, Device: dev, RootHash: digests[0]}, nil
}

// Levels is the number of tree levels veritysetup (and the kernel) use for
// dataBlocks data blocks: the smallest n with all blocks addressable by n
// levels of hashBlockSize/32 digests each (0 for one data block).
func Levels(dataBlocks uint64, hashBlockSize uint32) int {
	perBlockBits := uint(bits.Len32(hashBlockSize/sha256.Size) - 1)
	n := 0
	for perBlockBits*uint(n) < 64 && (dataBlocks-1)>>(perBlockBits*uint(n)) != 0 {
		n++
	}
	return n
}

// pack lays digests into zero-padded hash blocks of size bs, as many per
// block as fit in a power of two.
func pack(digests [][]byte, bs int) []byte {
	per := 1 << (bits.Len(uint(bs/sha256.Size)) - 1)
	nblocks := (len(digests) + per - 1) / per
	out := make([]byte, nblocks*bs)
	for i, d := range digests {
		copy(out[(i/per)*bs+(i%per)*sha256.Size:], d)
	}
	return out
}

// hasher computes hash type 1's SHA-256(salt || block).
type hasher struct{ salt []byte }

func (h hasher) sum(block []byte) []byte {
	s := sha256.New()
	s.Write(h.salt)
	s.Write(block)
	return s.Sum(nil)
}
