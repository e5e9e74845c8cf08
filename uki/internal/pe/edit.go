package pe

import (
	"errors"
	"fmt"
)

// Section characteristics used for UKI sections (PE/COFF spec, section flags).
const (
	ScnCntCode              = 0x00000020
	ScnCntInitializedData   = 0x00000040
	ScnMemRead              = 0x40000000
	CharacteristicsCode     = ScnCntCode | ScnMemRead            // .linux: 0x40000020
	CharacteristicsReadOnly = ScnCntInitializedData | ScnMemRead // other sections: 0x40000040
)

// ErrNoHeaderSpace reports that the section table cannot grow inside SizeOfHeaders.
var ErrNoHeaderSpace = errors.New("not enough header space for another section")

// Prepare readies a stub for appending sections, as ukify does: it refuses a signed
// image, strips a COFF symbol table that ends the file, requires section raw data to
// start on FileAlignment, rounds SizeOfRawData and SizeOfHeaders up to FileAlignment
// (zero-filling the file as needed) and never moves section data.
func (m *Image) Prepare() error {
	if m.Signed() {
		return errors.New("preparing PE: image is signed (certificate table present), refusing")
	}
	if err := m.stripSymbols(); err != nil {
		return fmt.Errorf("preparing PE: %w", err)
	}
	fa := uint64(m.FileAlignment())
	for i, s := range m.sections {
		if s.SizeOfRawData == 0 {
			continue
		}
		if uint64(s.PointerToRawData)%fa != 0 {
			return fmt.Errorf("preparing PE: section %q raw data at %#x is not aligned to %#x: %w",
				s.Name, s.PointerToRawData, fa, ErrFormat)
		}
		end := roundUp(uint64(s.PointerToRawData)+uint64(s.SizeOfRawData), fa)
		for j, o := range m.sections {
			if j != i && o.SizeOfRawData > 0 && o.PointerToRawData > s.PointerToRawData && uint64(o.PointerToRawData) < end {
				return fmt.Errorf("preparing PE: rounding section %q would overlap %q: %w", s.Name, o.Name, ErrFormat)
			}
		}
		m.growTo(end)
		s.SizeOfRawData = uint32(end - uint64(s.PointerToRawData))
		m.sections[i] = s
		m.writeSection(i, s)
	}
	soh := roundUp(uint64(m.SizeOfHeaders()), fa)
	for _, s := range m.sections {
		if s.SizeOfRawData > 0 && uint64(s.PointerToRawData) < soh {
			return fmt.Errorf("preparing PE: rounding SizeOfHeaders to %#x would cover section %q: %w", soh, s.Name, ErrFormat)
		}
	}
	m.growTo(soh)
	m.put32(m.optOff+optSizeOfHeaders, uint32(soh))
	return nil
}

// stripSymbols drops a COFF symbol and string table that ends the file (old gnu-efi
// stubs carry one; image files should not).
func (m *Image) stripSymbols() error {
	ptr := uint64(m.u32(m.coffOff + 8))
	if ptr == 0 {
		return nil
	}
	n := uint64(m.u32(m.coffOff + 12))
	end := ptr + n*symbolLen
	if end+4 <= uint64(len(m.b)) {
		end += uint64(m.u32(int(end))) // string table size includes its own 4 bytes
	}
	if end != uint64(len(m.b)) {
		return fmt.Errorf("symbol table [%#x, %#x) does not end the file (%#x bytes): %w", ptr, end, len(m.b), ErrFormat)
	}
	for _, s := range m.sections {
		if uint64(s.PointerToRawData)+uint64(s.SizeOfRawData) > ptr {
			return fmt.Errorf("symbol table at %#x overlaps section %q: %w", ptr, s.Name, ErrFormat)
		}
	}
	m.b = m.b[:ptr]
	m.put32(m.coffOff+8, 0)
	m.put32(m.coffOff+12, 0)
	m.put16(m.coffOff+18, m.u16(m.coffOff+18)|fileLocalSymsStripped)
	return nil
}

// growTo zero-extends the file to at least n bytes.
func (m *Image) growTo(n uint64) {
	if uint64(len(m.b)) < n {
		m.b = append(m.b, make([]byte, n-uint64(len(m.b)))...)
	}
}

// AddSection appends a section after the last one, following ukify: its header goes
// after the last header (which must still fit inside SizeOfHeaders), VirtualAddress is
// the end of the highest section rounded up to SectionAlignment, raw data starts at the
// end of the file rounded up to FileAlignment and is zero-padded to FileAlignment, and
// VirtualSize is len(data). It updates NumberOfSections, SizeOfInitializedData and
// SizeOfImage. Call Prepare first.
func (m *Image) AddSection(name string, data []byte, characteristics uint32) error {
	if err := checkName(name); err != nil {
		return err
	}
	for _, s := range m.sections {
		if s.Name == name {
			return fmt.Errorf("adding section %q: already present", name)
		}
	}
	if uint64(len(data)) > 1<<32-1 {
		return fmt.Errorf("adding section %q: %d bytes is too large", name, len(data))
	}
	n := len(m.sections)
	hdrEnd := m.secOff + (n+1)*sectionHeaderLen
	if uint64(hdrEnd) > uint64(m.SizeOfHeaders()) {
		return fmt.Errorf("adding section %q: %w (SizeOfHeaders %#x)", name, ErrNoHeaderSpace, m.SizeOfHeaders())
	}
	for _, c := range m.b[hdrEnd-sectionHeaderLen : hdrEnd] {
		if c != 0 {
			return fmt.Errorf("adding section %q: header slack at %#x is not zero: %w", name, hdrEnd-sectionHeaderLen, ErrFormat)
		}
	}
	fa, sa := uint64(m.FileAlignment()), uint64(m.SectionAlignment())
	va := roundUp(m.virtualEnd(), sa)
	ptr := roundUp(uint64(len(m.b)), fa)
	raw := roundUp(uint64(len(data)), fa)
	if va+uint64(len(data)) > 1<<32-1 || ptr+raw > 1<<32-1 {
		return fmt.Errorf("adding section %q: image would exceed 4 GiB", name)
	}
	m.growTo(ptr)
	m.b = append(m.b, data...)
	m.growTo(ptr + raw)

	s := Section{
		Name:             name,
		VirtualSize:      uint32(len(data)),
		VirtualAddress:   uint32(va),
		SizeOfRawData:    uint32(raw),
		PointerToRawData: uint32(ptr),
		Characteristics:  characteristics,
	}
	m.sections = append(m.sections, s)
	m.writeSection(n, s)
	m.put16(m.coffOff+2, uint16(n+1))
	m.put32(m.optOff+optSizeOfInitializedData, m.u32(m.optOff+optSizeOfInitializedData)+s.VirtualSize)
	m.updateSizeOfImage()
	return nil
}

// ReplaceSection overwrites the data of the existing section name in place: data must
// fit its SizeOfRawData; the rest of the raw area is zeroed and VirtualSize becomes
// len(data). ukify does this for .sbat.
func (m *Image) ReplaceSection(name string, data []byte) error {
	for i := len(m.sections) - 1; i >= 0; i-- {
		s := m.sections[i]
		if s.Name != name {
			continue
		}
		if uint64(len(data)) > uint64(s.SizeOfRawData) {
			return fmt.Errorf("replacing section %q: %d bytes do not fit its %d raw bytes", name, len(data), s.SizeOfRawData)
		}
		end := uint64(s.VirtualAddress) + uint64(len(data))
		for _, o := range m.sections {
			if o.VirtualAddress > s.VirtualAddress && uint64(o.VirtualAddress) < end {
				return fmt.Errorf("replacing section %q: %d bytes would overlap section %q in memory", name, len(data), o.Name)
			}
		}
		area := m.b[s.PointerToRawData : s.PointerToRawData+s.SizeOfRawData]
		clear(area)
		copy(area, data)
		s.VirtualSize = uint32(len(data))
		m.sections[i] = s
		m.writeSection(i, s)
		m.updateSizeOfImage()
		return nil
	}
	return fmt.Errorf("replacing section %q: not present", name)
}

// Finish sets CheckSum to 0 (UEFI ignores it and Authenticode skips it) and recomputes
// SizeOfImage.
func (m *Image) Finish() {
	m.put32(m.optOff+optCheckSum, 0)
	m.updateSizeOfImage()
}

// updateSizeOfImage sets SizeOfImage to the end of the highest section rounded up to
// SectionAlignment.
func (m *Image) updateSizeOfImage() {
	m.put32(m.optOff+optSizeOfImage, uint32(roundUp(m.virtualEnd(), uint64(m.SectionAlignment()))))
}

// virtualEnd returns the highest VirtualAddress+VirtualSize of all sections; for a
// valid image (sections in ascending address order) that is the last section's end.
func (m *Image) virtualEnd() uint64 {
	var end uint64
	for _, s := range m.sections {
		end = max(end, uint64(s.VirtualAddress)+uint64(s.VirtualSize))
	}
	return end
}

// checkName accepts names systemd-stub can find: printable ASCII, 1 to 8 bytes.
func checkName(name string) error {
	if name == "" || len(name) > 8 {
		return fmt.Errorf("section name %q: must be 1 to 8 bytes", name)
	}
	for _, c := range []byte(name) {
		if c <= ' ' || c > '~' {
			return fmt.Errorf("section name %q: must be printable ASCII", name)
		}
	}
	return nil
}
