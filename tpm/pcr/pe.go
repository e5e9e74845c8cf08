package pcr

import (
	"encoding/binary"
	"fmt"
)

// peImage is what Authenticode hashing and systemd-stub's section lookup
// read from a PE/COFF image's headers (PE/COFF specification §3, §4).
type peImage struct {
	b             []byte
	checksumOff   int // OptionalHeader.CheckSum
	secDirOff     int // data directory entry 4 (certificate table); -1 when absent
	sizeOfHeaders int
	certOff       int // certificate table (a file offset); 0 when unsigned
	certSize      int
	sections      []peSection
}

// peSection is one section header.
type peSection struct {
	name           [8]byte
	virtualSize    uint32
	virtualAddress uint32
	rawSize        uint32
	rawPtr         uint32
}

// maxPESections is the PE/COFF limit for images.
const maxPESections = 96

// parsePE checks the headers of b and every bound it will later read.
func parsePE(b []byte) (*peImage, error) {
	if len(b) < 0x40 || string(b[:2]) != "MZ" {
		return nil, fmt.Errorf("parsing PE: no MZ header")
	}
	pe := int(binary.LittleEndian.Uint32(b[0x3c:]))
	if pe < 0x40 || pe > len(b)-24 || string(b[pe:pe+4]) != "PE\x00\x00" {
		return nil, fmt.Errorf("parsing PE: no PE signature at e_lfanew %#x", pe)
	}
	coff := pe + 4
	nsec := int(binary.LittleEndian.Uint16(b[coff+2:]))
	optLen := int(binary.LittleEndian.Uint16(b[coff+16:]))
	opt := coff + 20
	if nsec > maxPESections {
		return nil, fmt.Errorf("parsing PE: %d sections, at most %d allowed", nsec, maxPESections)
	}
	if opt+optLen > len(b) || optLen < 2 {
		return nil, fmt.Errorf("parsing PE: optional header of %d bytes at %#x runs past the file end %#x", optLen, opt, len(b))
	}
	var dirs, nDirsOff int
	switch magic := binary.LittleEndian.Uint16(b[opt:]); magic {
	case 0x10b:
		dirs, nDirsOff = opt+96, opt+92
	case 0x20b:
		dirs, nDirsOff = opt+112, opt+108
	default:
		return nil, fmt.Errorf("parsing PE: optional header magic %#x, want 0x10b or 0x20b", magic)
	}
	if nDirsOff+4 > opt+optLen {
		return nil, fmt.Errorf("parsing PE: optional header of %d bytes too short", optLen)
	}
	m := &peImage{b: b, checksumOff: opt + 64, secDirOff: -1}
	m.sizeOfHeaders = int(binary.LittleEndian.Uint32(b[opt+60:]))
	nDirs := int(binary.LittleEndian.Uint32(b[nDirsOff:]))
	if nDirs > 4 {
		if dirs+5*8 > opt+optLen {
			return nil, fmt.Errorf("parsing PE: %d data directories do not fit the optional header", nDirs)
		}
		m.secDirOff = dirs + 4*8
		m.certOff = int(binary.LittleEndian.Uint32(b[m.secDirOff:]))
		m.certSize = int(binary.LittleEndian.Uint32(b[m.secDirOff+4:]))
		if m.certSize != 0 && (m.certOff < m.sizeOfHeaders || m.certOff+m.certSize != len(b)) {
			return nil, fmt.Errorf("parsing PE: certificate table [%#x+%#x] does not end the file (%#x bytes)", m.certOff, m.certSize, len(b))
		}
	}
	secOff := opt + optLen
	if secOff+40*nsec > len(b) {
		return nil, fmt.Errorf("parsing PE: %d section headers at %#x run past the file end", nsec, secOff)
	}
	if m.sizeOfHeaders > len(b) || m.sizeOfHeaders < secOff+40*nsec || m.checksumOff+4 > m.sizeOfHeaders {
		return nil, fmt.Errorf("parsing PE: SizeOfHeaders %#x outside the headers and the file (%#x bytes)", m.sizeOfHeaders, len(b))
	}
	for i := 0; i < nsec; i++ {
		h := b[secOff+40*i:]
		var s peSection
		copy(s.name[:], h[:8])
		s.virtualSize = binary.LittleEndian.Uint32(h[8:])
		s.virtualAddress = binary.LittleEndian.Uint32(h[12:])
		s.rawSize = binary.LittleEndian.Uint32(h[16:])
		s.rawPtr = binary.LittleEndian.Uint32(h[20:])
		if uint64(s.rawPtr)+uint64(s.rawSize) > uint64(len(b)) {
			return nil, fmt.Errorf("parsing PE: section %q [%#x+%#x] runs past the file end %#x", s.nameString(), s.rawPtr, s.rawSize, len(b))
		}
		m.sections = append(m.sections, s)
	}
	return m, nil
}

// nameString returns the section name up to its first NUL.
func (s peSection) nameString() string {
	for i, c := range s.name {
		if c == 0 {
			return string(s.name[:i])
		}
	}
	return string(s.name[:])
}

// memory returns the section as the loader maps it: VirtualSize bytes, the
// raw data followed by zeros when VirtualSize exceeds SizeOfRawData.
func (m *peImage) memory(s peSection) []byte {
	raw := m.b[s.rawPtr : s.rawPtr+s.rawSize]
	if int(s.virtualSize) <= len(raw) {
		return raw[:s.virtualSize]
	}
	out := make([]byte, s.virtualSize)
	copy(out, raw)
	return out
}
