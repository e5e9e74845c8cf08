package seal

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/google/go-tpm/tpm2"
)

// Blob is a sealed secret: what Unseal needs besides the TPM, the
// .pcrpkey key and the .pcrsig.
type Blob struct {
	Public         []byte // TPMT_PUBLIC of the sealed object (its TPM2B_PUBLIC without the size)
	Private        []byte // its TPM2B_PRIVATE without the size
	KeyFingerprint []byte // pcrsig.Fingerprint of the key that signs PCR 11 policies
	PCR7           []byte // the literal SHA-256 PCR 7 value the policy requires; nil for none
}

// The blob format, version 1 (all integers big-endian; do not rearrange):
//
//	"MANXSEAL" (8 bytes) ‖ version (1 byte, 1) ‖ flags (1 byte; bit 0: PCR 7
//	follows; other bits zero) ‖ key fingerprint (32 bytes) ‖ [PCR 7 value
//	(32 bytes)] ‖ public size (u16) ‖ public ‖ private size (u16) ‖ private
//
// and nothing after.
const (
	blobMagic   = "MANXSEAL"
	blobVersion = 1
	flagPCR7    = 1 << 0

	maxPublicSize  = 1024
	maxPrivateSize = 1024
	// MaxBlobSize bounds Unmarshal's input.
	MaxBlobSize = len(blobMagic) + 2 + 2*sha256.Size + 2 + maxPublicSize + 2 + maxPrivateSize
)

// Marshal writes b in the blob format.
func (b Blob) Marshal() ([]byte, error) {
	if err := b.validate(); err != nil {
		return nil, err
	}
	out := []byte(blobMagic)
	var flags byte
	if b.PCR7 != nil {
		flags |= flagPCR7
	}
	out = append(out, blobVersion, flags)
	out = append(out, b.KeyFingerprint...)
	if b.PCR7 != nil {
		out = append(out, b.PCR7...)
	}
	out = binary.BigEndian.AppendUint16(out, uint16(len(b.Public)))
	out = append(out, b.Public...)
	out = binary.BigEndian.AppendUint16(out, uint16(len(b.Private)))
	out = append(out, b.Private...)
	return out, nil
}

// Unmarshal reads a blob written by Marshal, strictly: known version and
// flags, sizes within bounds, nothing after the private area, and a public
// area that is a sealed-data object's.
func Unmarshal(data []byte) (Blob, error) {
	if len(data) > MaxBlobSize {
		return Blob{}, fmt.Errorf("sealed blob: %d bytes, more than %d", len(data), MaxBlobSize)
	}
	r := reader{data: data}
	if magic := r.next(len(blobMagic)); string(magic) != blobMagic {
		return Blob{}, errors.New("sealed blob: not a Manx sealed blob (bad magic)")
	}
	hdr := r.next(2)
	if hdr == nil {
		return Blob{}, errors.New("sealed blob: truncated header")
	}
	if hdr[0] != blobVersion {
		return Blob{}, fmt.Errorf("sealed blob: version %d, want %d", hdr[0], blobVersion)
	}
	if hdr[1]&^flagPCR7 != 0 {
		return Blob{}, fmt.Errorf("sealed blob: unknown flags %#02x", hdr[1]&^flagPCR7)
	}
	var b Blob
	if b.KeyFingerprint = r.next(sha256.Size); b.KeyFingerprint == nil {
		return Blob{}, errors.New("sealed blob: truncated key fingerprint")
	}
	if hdr[1]&flagPCR7 != 0 {
		if b.PCR7 = r.next(sha256.Size); b.PCR7 == nil {
			return Blob{}, errors.New("sealed blob: truncated PCR 7 value")
		}
	}
	if b.Public = r.sized(); b.Public == nil {
		return Blob{}, errors.New("sealed blob: truncated public area")
	}
	if b.Private = r.sized(); b.Private == nil {
		return Blob{}, errors.New("sealed blob: truncated private area")
	}
	if len(r.data) > 0 {
		return Blob{}, fmt.Errorf("sealed blob: %d bytes after the private area", len(r.data))
	}
	if err := b.validate(); err != nil {
		return Blob{}, err
	}
	return b, nil
}

// validate checks the fields' sizes and the public area.
func (b Blob) validate() error {
	if len(b.KeyFingerprint) != sha256.Size {
		return fmt.Errorf("sealed blob: key fingerprint is %d bytes, want %d", len(b.KeyFingerprint), sha256.Size)
	}
	if b.PCR7 != nil && len(b.PCR7) != sha256.Size {
		return fmt.Errorf("sealed blob: PCR 7 value is %d bytes, want %d", len(b.PCR7), sha256.Size)
	}
	if len(b.Public) == 0 || len(b.Public) > maxPublicSize {
		return fmt.Errorf("sealed blob: public area is %d bytes, want 1 to %d", len(b.Public), maxPublicSize)
	}
	if len(b.Private) == 0 || len(b.Private) > maxPrivateSize {
		return fmt.Errorf("sealed blob: private area is %d bytes, want 1 to %d", len(b.Private), maxPrivateSize)
	}
	if _, err := sealedPublic(b.Public); err != nil {
		return fmt.Errorf("sealed blob: %w", err)
	}
	return nil
}

// sealedPublic parses a sealed-data object's TPMT_PUBLIC, which must be
// canonical (go-tpm's Unmarshal ignores trailing bytes; re-marshalling
// catches them).
func sealedPublic(b []byte) (pub *tpm2.TPMTPublic, err error) {
	defer func() {
		if r := recover(); r != nil { // go-tpm's Marshal panics on what it cannot encode
			pub, err = nil, fmt.Errorf("public area: %v", r)
		}
	}()
	pub, err = tpm2.Unmarshal[tpm2.TPMTPublic](b)
	if err != nil {
		return nil, fmt.Errorf("public area: %w", err)
	}
	if !bytes.Equal(tpm2.Marshal(pub), b) {
		return nil, errors.New("public area: not canonical (trailing bytes?)")
	}
	if pub.Type != tpm2.TPMAlgKeyedHash {
		return nil, fmt.Errorf("public area: type %v, want keyedhash (sealed data)", pub.Type)
	}
	if pub.NameAlg != tpm2.TPMAlgSHA256 {
		return nil, fmt.Errorf("public area: name algorithm %v, want SHA-256", pub.NameAlg)
	}
	if len(pub.AuthPolicy.Buffer) != sha256.Size {
		return nil, fmt.Errorf("public area: authPolicy is %d bytes, want %d", len(pub.AuthPolicy.Buffer), sha256.Size)
	}
	if pub.ObjectAttributes.UserWithAuth {
		return nil, errors.New("public area: userWithAuth is set (the secret would unseal with an auth value alone)")
	}
	return pub, nil
}

// reader takes fields off the front of data.
type reader struct{ data []byte }

// next returns the next n bytes, or nil if there are fewer.
func (r *reader) next(n int) []byte {
	if len(r.data) < n {
		r.data = nil
		return nil
	}
	v := bytes.Clone(r.data[:n])
	r.data = r.data[n:]
	return v
}

// sized returns the next u16-sized field, or nil if truncated.
func (r *reader) sized() []byte {
	n := r.next(2)
	if n == nil {
		return nil
	}
	return r.next(int(binary.BigEndian.Uint16(n)))
}
