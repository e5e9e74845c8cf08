package pe

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
)

// ErrFormat reports a malformed or unsupported PE image.
var ErrFormat = errors.New("malformed PE image")

// Header sizes and offsets from the PE/COFF specification.
const (
	dosLfanewOff     = 0x3c
	coffHeaderLen    = 20
	sectionHeaderLen = 40
	maxSections      = 96 // PE/COFF spec limit for images

	magicPE32     = 0x10b
	magicPE32Plus = 0x20b

	// Optional header field offsets shared by PE32 and PE32+.
	optSizeOfInitializedData = 8
	optSectionAlignment      = 32
	optFileAlignment         = 36
	optSizeOfImage           = 56
	optSizeOfHeaders         = 60
	optCheckSum              = 64

	dirSecurity = 4 // data directory index of the certificate table

	fileLocalSymsStripped = 0x0008 // IMAGE_FILE_LOCAL_SYMS_STRIPPED
	symbolLen             = 18     // one COFF symbol table record
)

// Section is one section header.
type Section struct {
	Name             string
	VirtualSize      uint32
	VirtualAddress   uint32
	SizeOfRawData    uint32
	PointerToRawData uint32
	Characteristics  uint32
}

// Image is a PE image held in memory. Methods edit the bytes in place.
type Image struct {
	b        []byte
	coffOff  int // COFF file header (after "PE\0\0")
	optOff   int // optional header
	dirOff   int // data directories
	nDirs    int
	secOff   int // first section header
	sections []Section
}

// Parse checks the headers of a PE image and returns an editable copy of it.
func Parse(b []byte) (*Image, error) {
	img := &Image{b: bytes.Clone(b)}
	if err := img.parse(); err != nil {
		return nil, fmt.Errorf("parsing PE: %w", err)
	}
	return img, nil
}

func (m *Image) parse() error {
	b := m.b
	if len(b) < dosLfanewOff+4 || string(b[:2]) != "MZ" {
		return fmt.Errorf("no MZ header: %w", ErrFormat)
	}
	pe := int(binary.LittleEndian.Uint32(b[dosLfanewOff:]))
	if pe < dosLfanewOff+4 || pe > len(b)-4-coffHeaderLen || string(b[pe:pe+4]) != "PE\x00\x00" {
		return fmt.Errorf("no PE signature at e_lfanew %#x: %w", pe, ErrFormat)
	}
	m.coffOff = pe + 4
	m.optOff = m.coffOff + coffHeaderLen
	nsec := int(m.u16(m.coffOff + 2))
	optLen := int(m.u16(m.coffOff + 16))
	if nsec == 0 || nsec > maxSections {
		return fmt.Errorf("%d sections: %w", nsec, ErrFormat)
	}
	if m.optOff+optLen > len(b) || optLen < 2 {
		return fmt.Errorf("optional header of %d bytes does not fit: %w", optLen, ErrFormat)
	}
	var nDirsOff int
	switch magic := m.u16(m.optOff); magic {
	case magicPE32:
		nDirsOff, m.dirOff = 92, 96
	case magicPE32Plus:
		nDirsOff, m.dirOff = 108, 112
	default:
		return fmt.Errorf("optional header magic %#x: %w", magic, ErrFormat)
	}
	if optLen < m.dirOff {
		return fmt.Errorf("optional header of %d bytes is too short: %w", optLen, ErrFormat)
	}
	m.nDirs = int(m.u32(m.optOff + nDirsOff))
	if m.nDirs > 16 || m.dirOff+8*m.nDirs > optLen {
		return fmt.Errorf("%d data directories: %w", m.nDirs, ErrFormat)
	}
	m.dirOff += m.optOff
	m.secOff = m.optOff + optLen

	fa, sa := m.FileAlignment(), m.SectionAlignment()
	if !pow2(fa) || fa < 0x200 || fa > 0x10000 || !pow2(sa) || sa < fa {
		return fmt.Errorf("FileAlignment %#x, SectionAlignment %#x: %w", fa, sa, ErrFormat)
	}
	soh := m.SizeOfHeaders()
	if uint64(soh) > uint64(len(b)) {
		return fmt.Errorf("SizeOfHeaders %#x past end of file %#x: %w", soh, len(b), ErrFormat)
	}
	if end := m.secOff + nsec*sectionHeaderLen; end > len(b) || uint64(end) > uint64(soh) {
		return fmt.Errorf("section table ends at %#x, past SizeOfHeaders %#x or the file: %w", end, soh, ErrFormat)
	}
	for i := range nsec {
		s := m.readSection(i)
		if uint64(s.PointerToRawData)+uint64(s.SizeOfRawData) > uint64(len(b)) {
			return fmt.Errorf("section %q raw data [%#x+%#x] past end of file %#x: %w",
				s.Name, s.PointerToRawData, s.SizeOfRawData, len(b), ErrFormat)
		}
		if s.SizeOfRawData > 0 && s.PointerToRawData < soh {
			return fmt.Errorf("section %q raw data at %#x inside headers: %w", s.Name, s.PointerToRawData, ErrFormat)
		}
		if uint64(s.VirtualAddress)+uint64(s.VirtualSize) > 1<<32-1 {
			return fmt.Errorf("section %q virtual range overflows: %w", s.Name, ErrFormat)
		}
		m.sections = append(m.sections, s)
	}
	return nil
}

func (m *Image) readSection(i int) Section {
	h := m.b[m.secOff+i*sectionHeaderLen:]
	return Section{
		Name:             string(bytes.TrimRight(h[:8], "\x00")),
		VirtualSize:      binary.LittleEndian.Uint32(h[8:]),
		VirtualAddress:   binary.LittleEndian.Uint32(h[12:]),
		SizeOfRawData:    binary.LittleEndian.Uint32(h[16:]),
		PointerToRawData: binary.LittleEndian.Uint32(h[20:]),
		Characteristics:  binary.LittleEndian.Uint32(h[36:]),
	}
}

// writeSection stores s as section header i; the fields Section does not model
// (relocation and line-number pointers and counts) are left as they are.
func (m *Image) writeSection(i int, s Section) {
	h := m.b[m.secOff+i*sectionHeaderLen : m.secOff+(i+1)*sectionHeaderLen]
	clear(h[:8])
	copy(h[:8], s.Name)
	binary.LittleEndian.PutUint32(h[8:], s.VirtualSize)
	binary.LittleEndian.PutUint32(h[12:], s.VirtualAddress)
	binary.LittleEndian.PutUint32(h[16:], s.SizeOfRawData)
	binary.LittleEndian.PutUint32(h[20:], s.PointerToRawData)
	binary.LittleEndian.PutUint32(h[36:], s.Characteristics)
}

// Bytes returns the image. The slice aliases the Image; it is valid until the next edit.
func (m *Image) Bytes() []byte { return m.b }

// Sections returns a copy of the section headers in table order.
func (m *Image) Sections() []Section { return append([]Section(nil), m.sections...) }

// SectionData returns the first VirtualSize bytes (at most SizeOfRawData) of the last
// section called name, the way systemd-stub reads it, and whether it exists.
func (m *Image) SectionData(name string) ([]byte, bool) {
	for i := len(m.sections) - 1; i >= 0; i-- {
		s := m.sections[i]
		if s.Name == name {
			n := min(s.VirtualSize, s.SizeOfRawData)
			return m.b[s.PointerToRawData : s.PointerToRawData+n], true
		}
	}
	return nil, false
}

// FileAlignment returns the optional header's FileAlignment.
func (m *Image) FileAlignment() uint32 { return m.u32(m.optOff + optFileAlignment) }

// SectionAlignment returns the optional header's SectionAlignment.
func (m *Image) SectionAlignment() uint32 { return m.u32(m.optOff + optSectionAlignment) }

// SizeOfHeaders returns the optional header's SizeOfHeaders.
func (m *Image) SizeOfHeaders() uint32 { return m.u32(m.optOff + optSizeOfHeaders) }

// SizeOfImage returns the optional header's SizeOfImage.
func (m *Image) SizeOfImage() uint32 { return m.u32(m.optOff + optSizeOfImage) }

// TimeDateStamp returns the COFF header's TimeDateStamp.
func (m *Image) TimeDateStamp() uint32 { return m.u32(m.coffOff + 4) }

// SetTimeDateStamp sets the COFF header's TimeDateStamp.
func (m *Image) SetTimeDateStamp(t uint32) { m.put32(m.coffOff+4, t) }

// Signed reports whether the image has a certificate table (data directory 4).
func (m *Image) Signed() bool {
	if m.nDirs <= dirSecurity {
		return false
	}
	off := m.dirOff + 8*dirSecurity
	return m.u32(off) != 0 || m.u32(off+4) != 0
}

func (m *Image) u16(off int) uint16 { return binary.LittleEndian.Uint16(m.b[off:]) }
func (m *Image) u32(off int) uint32 { return binary.LittleEndian.Uint32(m.b[off:]) }
func (m *Image) put16(off int, v uint16) {
	binary.LittleEndian.PutUint16(m.b[off:], v)
}
func (m *Image) put32(off int, v uint32) {
	binary.LittleEndian.PutUint32(m.b[off:], v)
}

func pow2(x uint32) bool { return x != 0 && bits.OnesCount32(x) == 1 }

// roundUp rounds x up to a multiple of the power of two a.
func roundUp(x, a uint64) uint64 { return (x + a - 1) &^ (a - 1) }
