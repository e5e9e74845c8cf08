package varstore

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
	"unicode/utf16"
)

// ErrMalformed marks input that is not a well-formed variable store, raw or
// JSON; the wrapping message names the problem and its offset.
var ErrMalformed = errors.New("malformed variable store")

// maxRawSize bounds what ReadRaw reads into memory.
const maxRawSize = 64 << 20

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, args...))
}

// ReadRaw reads a raw OVMF VARS image of the given size from r and parses it
// with ParseRaw.
func ReadRaw(r io.ReaderAt, size int64) (*Store, error) {
	if size < 0 || size > maxRawSize {
		return nil, malformed("image size %d outside 0..%d", size, maxRawSize)
	}
	b := make([]byte, size)
	if n, err := r.ReadAt(b, 0); n != len(b) {
		return nil, fmt.Errorf("reading raw varstore: %d of %d bytes: %w", n, size, err)
	}
	return ParseRaw(b)
}

// ParseRaw parses a raw OVMF VARS image (any layout whose FvLength is the
// image size) and returns its live variables in on-disk order. It checks the
// FV header (signature, GUID, revision, checksum, block map), the variable
// store header, every record's bounds and name, that only 0xFF follows the
// last record, and, for the 4M and 2M layouts, the FTW working block header.
// Deleted records are skipped; a record in delete transition counts only if
// no live copy exists, as in edk2.
func ParseRaw(b []byte) (*Store, error) {
	hdrLen, err := parseFVHeader(b)
	if err != nil {
		return nil, err
	}
	storeEnd, recLen, err := parseStoreHeader(b, hdrLen)
	if err != nil {
		return nil, err
	}
	if err := checkFTW(b, storeEnd); err != nil {
		return nil, err
	}
	return parseRecords(b, hdrLen+storeHeaderLen, storeEnd, recLen)
}

// parseFVHeader checks EFI_FIRMWARE_VOLUME_HEADER and returns HeaderLength.
func parseFVHeader(b []byte) (int, error) {
	if len(b) < fvHeaderLen {
		return 0, malformed("truncated FV header: image has %d bytes, header needs %d", len(b), fvHeaderLen)
	}
	if sig := binary.LittleEndian.Uint32(b[0x28:]); sig != fvSignature {
		return 0, malformed("bad FV signature %q at offset 0x28, want \"_FVH\"", b[0x28:0x2C])
	}
	if g := getGUID(b[0x10:]); g != SystemNvDataFvGUID {
		return 0, malformed("bad FV file system GUID %s at offset 0x10, want %s (gEfiSystemNvDataFvGuid)", FormatGUID(g), FormatGUID(SystemNvDataFvGUID))
	}
	if rev := b[0x37]; rev != fvRevision {
		return 0, malformed("bad FV revision %d at offset 0x37, want %d", rev, fvRevision)
	}
	fvLen := binary.LittleEndian.Uint64(b[0x20:])
	if fvLen != uint64(len(b)) {
		return 0, malformed("FV length %#x at offset 0x20 does not match image size %#x", fvLen, len(b))
	}
	hdrLen := int(binary.LittleEndian.Uint16(b[0x30:]))
	if hdrLen < fvHeaderLen || hdrLen%2 != 0 || hdrLen > len(b) {
		return 0, malformed("bad FV header length %#x at offset 0x30 (even, %#x..%#x)", hdrLen, fvHeaderLen, len(b))
	}
	if sum := sum16(b[:hdrLen]); sum != 0 {
		return 0, malformed("bad FV header checksum %#04x at offset 0x32: header sums to %#04x, want 0", binary.LittleEndian.Uint16(b[0x32:]), sum)
	}
	var total uint64
	for off := 0x38; ; off += 8 {
		if off+8 > hdrLen {
			return 0, malformed("FV block map runs past the header end %#x", hdrLen)
		}
		n, size := binary.LittleEndian.Uint32(b[off:]), binary.LittleEndian.Uint32(b[off+4:])
		if n == 0 && size == 0 {
			break
		}
		total += uint64(n) * uint64(size)
	}
	if total != fvLen {
		return 0, malformed("FV block map covers %#x bytes, FV length is %#x", total, fvLen)
	}
	return hdrLen, nil
}

// parseStoreHeader checks VARIABLE_STORE_HEADER at off and returns the store
// end and the record header length of its format.
func parseStoreHeader(b []byte, off int) (end, recLen int, err error) {
	if off+storeHeaderLen > len(b) {
		return 0, 0, malformed("truncated variable store header at offset %#x", off)
	}
	h := b[off:]
	switch g := getGUID(h); g {
	case AuthenticatedVariableGUID:
		recLen = authVarHeaderLen
	case VariableGUID:
		recLen = varHeaderLen
	default:
		return 0, 0, malformed("bad variable store signature %s at offset %#x, want %s (gEfiAuthenticatedVariableGuid)", FormatGUID(g), off, FormatGUID(AuthenticatedVariableGUID))
	}
	if h[20] != storeFormatted {
		return 0, 0, malformed("variable store at offset %#x not formatted: Format %#02x, want %#02x", off, h[20], storeFormatted)
	}
	if h[21] != storeHealthy {
		return 0, 0, malformed("variable store at offset %#x not healthy: State %#02x, want %#02x", off, h[21], storeHealthy)
	}
	size := uint64(binary.LittleEndian.Uint32(h[16:]))
	if size < storeHeaderLen || uint64(off)+size > uint64(len(b)) {
		return 0, 0, malformed("variable store size %#x at offset %#x runs past the image end %#x", size, off+16, len(b))
	}
	return off + int(size), recLen, nil
}

// checkFTW checks the FTW working block header of a known layout.
func checkFTW(b []byte, storeEnd int) error {
	for _, l := range knownLayouts {
		if len(b) != l.Size || storeEnd != l.StoreEnd {
			continue
		}
		want := make([]byte, ftwHeaderLen)
		putFTWHeader(want, l)
		got := b[l.FTWWorking : l.FTWWorking+ftwHeaderLen]
		if string(got) != string(want) {
			if g := getGUID(got); g != WorkingBlockSignatureGUID {
				return malformed("bad FTW working block signature %s at offset %#x (%s layout)", FormatGUID(g), l.FTWWorking, l.Name)
			}
			return malformed("bad FTW working block header at offset %#x (%s layout): % x, want % x", l.FTWWorking, l.Name, got, want)
		}
	}
	return nil
}

type record struct {
	v     Variable
	off   int
	state byte
}

// parseRecords walks the variable records in b[off:end].
func parseRecords(b []byte, off, end, recLen int) (*Store, error) {
	var recs []record
	for off = alignUp(off, varAlign); off < end; {
		if end-off < recLen || binary.LittleEndian.Uint16(b[off:]) != varStartID {
			if err := checkFree(b, off, end); err != nil {
				return nil, err
			}
			break
		}
		h := b[off : off+recLen]
		state, attr := h[2], Attr(binary.LittleEndian.Uint32(h[4:]))
		var nameSize, dataSize uint64
		var guid GUID
		var t EFITime
		if recLen == authVarHeaderLen {
			t = getEFITime(h[0x10:])
			nameSize = uint64(binary.LittleEndian.Uint32(h[0x24:]))
			dataSize = uint64(binary.LittleEndian.Uint32(h[0x28:]))
			guid = getGUID(h[0x2C:])
		} else {
			nameSize = uint64(binary.LittleEndian.Uint32(h[0x08:]))
			dataSize = uint64(binary.LittleEndian.Uint32(h[0x0C:]))
			guid = getGUID(h[0x10:])
		}
		left := uint64(end - off - recLen)
		if nameSize+dataSize > left {
			return nil, malformed("truncated variable at offset %#x: header says name %d + data %d bytes, only %d bytes left in the store", off, nameSize, dataSize, left)
		}
		nameStart := off + recLen
		dataStart := nameStart + int(nameSize)
		next := alignUp(dataStart+int(dataSize), varAlign)
		if state == varAdded || state == varInTransition {
			name, err := decodeName(b[nameStart:dataStart])
			if err != nil {
				return nil, malformed("variable at offset %#x: %v", off, err)
			}
			recs = append(recs, record{
				v: Variable{
					Name:       name,
					GUID:       guid,
					Attributes: attr,
					Time:       t,
					Data:       append([]byte(nil), b[dataStart:dataStart+int(dataSize)]...),
				},
				off:   off,
				state: state,
			})
		}
		off = next
	}
	return liveVariables(recs)
}

// checkFree requires b[off:end] to be erased flash (0xFF).
func checkFree(b []byte, off, end int) error {
	for i := off; i < end; i++ {
		if b[i] != 0xFF {
			return malformed("byte %#02x at offset %#x after the last variable (offset %#x); the free area must be 0xFF", b[i], i, off)
		}
	}
	return nil
}

// liveVariables resolves in-delete-transition copies against live ones.
func liveVariables(recs []record) (*Store, error) {
	type key struct {
		name string
		guid GUID
	}
	live := map[key]int{}
	for _, r := range recs {
		if r.state != varAdded {
			continue
		}
		k := key{r.v.Name, r.v.GUID}
		if prev, ok := live[k]; ok {
			return nil, malformed("variable %q %s is live twice, at offsets %#x and %#x", r.v.Name, FormatGUID(r.v.GUID), prev, r.off)
		}
		live[k] = r.off
	}
	s := &Store{}
	transition := map[key]int{}
	for _, r := range recs {
		k := key{r.v.Name, r.v.GUID}
		if r.state == varInTransition {
			if _, ok := live[k]; ok {
				continue
			}
			if prev, ok := transition[k]; ok {
				return nil, malformed("variable %q %s is in delete transition twice, at offsets %#x and %#x", r.v.Name, FormatGUID(r.v.GUID), prev, r.off)
			}
			transition[k] = r.off
		}
		s.Variables = append(s.Variables, r.v)
	}
	return s, nil
}

// decodeName decodes a NUL-terminated UTF-16LE name.
func decodeName(b []byte) (string, error) {
	if len(b) < 2 || len(b)%2 != 0 {
		return "", fmt.Errorf("name size %d: want an even size of at least 2", len(b))
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	if u[len(u)-1] != 0 {
		return "", fmt.Errorf("name not NUL-terminated")
	}
	u = u[:len(u)-1]
	if len(u) == 0 {
		return "", fmt.Errorf("empty name")
	}
	for i, c := range u {
		if c == 0 {
			return "", fmt.Errorf("NUL inside the name at character %d", i)
		}
	}
	name := string(utf16.Decode(u))
	if !slices.Equal(utf16.Encode([]rune(name)), u) {
		return "", fmt.Errorf("name is not valid UTF-16")
	}
	return name, nil
}
