package varstore

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"unicode/utf16"
)

// WriteRaw writes s as a raw OVMF VARS image in the 4 MiB layout.
func (s *Store) WriteRaw(w io.Writer) error {
	return s.WriteRawLayout(w, Layout4M)
}

// WriteRawLayout writes s as a raw OVMF VARS image in layout l: FV header,
// authenticated variable store with the variables sorted by name, FTW
// working block header, 0xFF everywhere else.
func (s *Store) WriteRawLayout(w io.Writer, l Layout) error {
	img, err := s.rawImage(l)
	if err != nil {
		return err
	}
	if _, err := w.Write(img); err != nil {
		return fmt.Errorf("writing raw varstore: %w", err)
	}
	return nil
}

// rawImage builds the whole image in memory.
func (s *Store) rawImage(l Layout) ([]byte, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	img := bytes.Repeat([]byte{0xFF}, l.Size)
	putFVHeader(img, l)
	putStoreHeader(img[fvHeaderLen:], l)
	off := fvHeaderLen + storeHeaderLen
	for _, v := range s.sorted() {
		if len(v.Digest) > 0 {
			return nil, fmt.Errorf("%w: variable %q has a uefi-vars certificate digest, which the raw form cannot hold", ErrInvalid, v.Name)
		}
		rec := authRecord(v)
		limit := l.MaxVariableSize
		if v.Attributes.TimeBased() || v.Attributes&AttrAuthenticatedWriteAccess != 0 {
			limit = l.MaxAuthVariableSize
		}
		if len(rec) > limit {
			return nil, fmt.Errorf("%w: variable %q needs %d bytes, the %s layout allows %d per variable", ErrInvalid, v.Name, len(rec), l.Name, limit)
		}
		if off+len(rec) > l.StoreEnd {
			return nil, fmt.Errorf("%w: variable %q does not fit: store ends at %#x, variable would end at %#x", ErrInvalid, v.Name, l.StoreEnd, off+len(rec))
		}
		copy(img[off:], rec)
		off = alignUp(off+len(rec), varAlign) // padding stays 0xFF
	}
	putFTWHeader(img[l.FTWWorking:], l)
	return img, nil
}

// putFVHeader writes EFI_FIRMWARE_VOLUME_HEADER with its checksum.
func putFVHeader(b []byte, l Layout) {
	h := b[:fvHeaderLen]
	clear(h)
	putGUID(h[0x10:], SystemNvDataFvGUID)
	binary.LittleEndian.PutUint64(h[0x20:], uint64(l.Size))
	binary.LittleEndian.PutUint32(h[0x28:], fvSignature)
	binary.LittleEndian.PutUint32(h[0x2C:], fvAttributes)
	binary.LittleEndian.PutUint16(h[0x30:], fvHeaderLen)
	h[0x37] = fvRevision
	binary.LittleEndian.PutUint32(h[0x38:], uint32(l.Size/blockSize))
	binary.LittleEndian.PutUint32(h[0x3C:], blockSize)
	// BlockMap[1] = {0, 0} terminator is already zero.
	binary.LittleEndian.PutUint16(h[0x32:], -sum16(h))
}

// putStoreHeader writes VARIABLE_STORE_HEADER (authenticated format).
func putStoreHeader(b []byte, l Layout) {
	h := b[:storeHeaderLen]
	putGUID(h, AuthenticatedVariableGUID)
	binary.LittleEndian.PutUint32(h[16:], uint32(l.StoreEnd-fvHeaderLen))
	h[20] = storeFormatted
	h[21] = storeHealthy
	clear(h[22:28])
}

// putFTWHeader writes the fault-tolerant-write working block header exactly
// as edk2's FTW driver would (its CRC covers the header with the Crc field
// and the state byte still 0xFF).
func putFTWHeader(b []byte, l Layout) {
	h := b[:ftwHeaderLen]
	putGUID(h, WorkingBlockSignatureGUID)
	for i := 16; i < 24; i++ {
		h[i] = 0xFF
	}
	binary.LittleEndian.PutUint64(h[24:], uint64(l.FTWSize-ftwHeaderLen))
	binary.LittleEndian.PutUint32(h[16:], crc32.ChecksumIEEE(h))
	h[20] = ftwStateValid
}

// authRecord encodes AUTHENTICATED_VARIABLE_HEADER + name + data, unpadded.
func authRecord(v Variable) []byte {
	name := encodeName(v.Name)
	rec := make([]byte, authVarHeaderLen+len(name)+len(v.Data))
	binary.LittleEndian.PutUint16(rec[0:], varStartID)
	rec[2] = varAdded
	binary.LittleEndian.PutUint32(rec[4:], uint32(v.Attributes))
	// MonotonicCount (8 bytes at 0x08) and PubKeyIndex (0x20) stay 0.
	putEFITime(rec[0x10:], v.Time)
	binary.LittleEndian.PutUint32(rec[0x24:], uint32(len(name)))
	binary.LittleEndian.PutUint32(rec[0x28:], uint32(len(v.Data)))
	putGUID(rec[0x2C:], v.GUID)
	copy(rec[authVarHeaderLen:], name)
	copy(rec[authVarHeaderLen+len(name):], v.Data)
	return rec
}

// encodeName returns name as UTF-16LE with the terminating NUL.
func encodeName(name string) []byte {
	u := utf16.Encode([]rune(name))
	b := make([]byte, 2*len(u)+2)
	for i, c := range u {
		binary.LittleEndian.PutUint16(b[2*i:], c)
	}
	return b
}

// sum16 is the 16-bit sum of little-endian words of b.
func sum16(b []byte) uint16 {
	var s uint16
	for i := 0; i+1 < len(b); i += 2 {
		s += binary.LittleEndian.Uint16(b[i:])
	}
	return s
}

func alignUp(n, a int) int { return (n + a - 1) &^ (a - 1) }
