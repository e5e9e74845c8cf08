// Package sealdisk is the small raw data disk that carries a TPM-sealed
// secret to a Manx guest: a 512-byte-aligned image holding a magic header,
// the blob's length and SHA-256, and the blob (manx/tpm/seal's encoding).
// The host writes it next to a persistent TPM; init scans the guest's
// virtio disks for the magic. The disk is not trusted: the TPM's policy
// decides whether the blob unseals, the digest only catches a torn copy.
package sealdisk

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Magic starts the disk.
const Magic = "MANX-TPM-SEALED\x00"

// MaxBlob bounds the blob a disk may carry (a sealed object is well under
// 4 KiB).
const MaxBlob = 64 << 10

const (
	sectorSize = 512
	headerSize = len(Magic) + 4 + sha256.Size
)

// ErrNoMagic reports a disk that is not a sealed-secret disk.
var ErrNoMagic = errors.New("not a Manx sealed-secret disk")

// Image returns the disk image carrying blob.
func Image(blob []byte) ([]byte, error) {
	if len(blob) == 0 || len(blob) > MaxBlob {
		return nil, fmt.Errorf("sealed-secret disk: blob of %d bytes (want 1..%d)", len(blob), MaxBlob)
	}
	var b bytes.Buffer
	b.WriteString(Magic)
	binary.Write(&b, binary.LittleEndian, uint32(len(blob)))
	sum := sha256.Sum256(blob)
	b.Write(sum[:])
	b.Write(blob)
	if pad := b.Len() % sectorSize; pad != 0 {
		b.Write(make([]byte, sectorSize-pad))
	}
	return b.Bytes(), nil
}

// Read returns the blob on the disk r; ErrNoMagic if r is another disk.
func Read(r io.ReaderAt) ([]byte, error) {
	hdr := make([]byte, headerSize)
	if _, err := r.ReadAt(hdr, 0); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, ErrNoMagic
		}
		return nil, fmt.Errorf("sealed-secret disk: reading the header: %w", err)
	}
	if string(hdr[:len(Magic)]) != Magic {
		return nil, ErrNoMagic
	}
	n := binary.LittleEndian.Uint32(hdr[len(Magic):])
	if n == 0 || n > MaxBlob {
		return nil, fmt.Errorf("sealed-secret disk: blob length %d (want 1..%d)", n, MaxBlob)
	}
	blob := make([]byte, n)
	if _, err := r.ReadAt(blob, int64(headerSize)); err != nil {
		return nil, fmt.Errorf("sealed-secret disk: reading %d bytes of blob: %w", n, err)
	}
	if sum := sha256.Sum256(blob); !bytes.Equal(sum[:], hdr[len(Magic)+4:]) {
		return nil, errors.New("sealed-secret disk: the blob's SHA-256 does not match its header (torn or altered copy)")
	}
	return blob, nil
}
