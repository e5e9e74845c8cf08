package pe

import (
	"bytes"
	"debug/pe"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"manx/internal/deb/debtest"
)

// makePE builds a minimal PE32+ image: DOS header, PE header, one FileAlignment of
// headers (0x200) and the given sections, each one FileAlignment long, at consecutive
// SectionAlignment (0x1000) addresses.
func makePE(names ...string) []byte {
	const optLen = 240
	b := make([]byte, 0x200)
	copy(b, "MZ")
	binary.LittleEndian.PutUint32(b[dosLfanewOff:], 0x40)
	copy(b[0x40:], "PE\x00\x00")
	coff := 0x44
	binary.LittleEndian.PutUint16(b[coff:], 0x8664)
	binary.LittleEndian.PutUint16(b[coff+2:], uint16(len(names)))
	binary.LittleEndian.PutUint16(b[coff+16:], optLen)
	binary.LittleEndian.PutUint16(b[coff+18:], 0x0022)
	opt := coff + coffHeaderLen
	binary.LittleEndian.PutUint16(b[opt:], magicPE32Plus)
	binary.LittleEndian.PutUint32(b[opt+optSectionAlignment:], 0x1000)
	binary.LittleEndian.PutUint32(b[opt+optFileAlignment:], 0x200)
	binary.LittleEndian.PutUint32(b[opt+optSizeOfHeaders:], 0x200)
	binary.LittleEndian.PutUint32(b[opt+optSizeOfImage:], uint32(0x1000*(len(names)+1)))
	binary.LittleEndian.PutUint32(b[opt+optCheckSum:], 0x1234)
	binary.LittleEndian.PutUint32(b[opt+108:], 16)
	sec := opt + optLen
	for i, n := range names {
		h := b[sec+i*sectionHeaderLen:]
		copy(h, n)
		binary.LittleEndian.PutUint32(h[8:], 0x100)
		binary.LittleEndian.PutUint32(h[12:], uint32(0x1000*(i+1)))
		binary.LittleEndian.PutUint32(h[16:], 0x200)
		binary.LittleEndian.PutUint32(h[20:], uint32(0x200*(i+1)))
		binary.LittleEndian.PutUint32(h[36:], CharacteristicsReadOnly)
		b = append(b, bytes.Repeat([]byte{byte('a' + i)}, 0x200)...)
	}
	return b
}

func TestParsePinnedStub(t *testing.T) {
	img, err := Parse(debtest.SystemdStub(t))
	if err != nil {
		t.Fatalf("Parse(stub) = %v", err)
	}
	var names []string
	for _, s := range img.Sections() {
		names = append(names, s.Name)
	}
	// Values from docs/uki-and-measured-boot.md §1.2 (stub 254.26).
	got := []any{names, img.SectionAlignment(), img.FileAlignment(), img.SizeOfHeaders(), img.Signed()}
	want := []any{[]string{".text", ".rodata", ".data", ".sdmagic", ".sbat", ".reloc"}, uint32(0x1000), uint32(0x200), uint32(0x400), false}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Parse(stub) headers mismatch (-want +got):\n%s", diff)
	}
	if err := img.Prepare(); err != nil {
		t.Fatalf("Prepare() = %v", err)
	}
	if err := img.AddSection(".osrel", []byte("ID=manx\n"), CharacteristicsReadOnly); err != nil {
		t.Fatalf("AddSection() = %v", err)
	}
	s := img.Sections()[6]
	if s.VirtualAddress != 0x14000 {
		t.Errorf("first new section VirtualAddress = %#x, want 0x14000", s.VirtualAddress)
	}
}

func TestAddSection(t *testing.T) {
	img, err := Parse(makePE(".text"))
	if err != nil {
		t.Fatalf("Parse() = %v", err)
	}
	if err := img.Prepare(); err != nil {
		t.Fatalf("Prepare() = %v", err)
	}
	adds := []struct {
		name string
		data []byte
		ch   uint32
	}{
		{".osrel", []byte("ID=manx\n"), CharacteristicsReadOnly},
		{".initrd", bytes.Repeat([]byte{7}, 0x1001), CharacteristicsReadOnly},
		{".linux", []byte("MZkernel"), CharacteristicsCode},
	}
	for _, a := range adds {
		if err := img.AddSection(a.name, a.data, a.ch); err != nil {
			t.Fatalf("AddSection(%s) = %v", a.name, err)
		}
	}
	img.SetTimeDateStamp(1700000000)
	img.Finish()

	want := []Section{
		{".text", 0x100, 0x1000, 0x200, 0x200, CharacteristicsReadOnly},
		{".osrel", 8, 0x2000, 0x200, 0x400, CharacteristicsReadOnly},
		{".initrd", 0x1001, 0x3000, 0x1200, 0x600, CharacteristicsReadOnly},
		{".linux", 8, 0x5000, 0x200, 0x1800, CharacteristicsCode},
	}
	if diff := cmp.Diff(want, img.Sections()); diff != "" {
		t.Errorf("Sections() mismatch (-want +got):\n%s", diff)
	}
	if got, want := len(img.Bytes()), 0x1a00; got != want {
		t.Errorf("len(Bytes()) = %#x, want %#x", got, want)
	}

	f, err := pe.NewFile(bytes.NewReader(img.Bytes()))
	if err != nil {
		t.Fatalf("debug/pe.NewFile() = %v", err)
	}
	oh := f.OptionalHeader.(*pe.OptionalHeader64)
	gotHdr := []uint32{uint32(f.NumberOfSections), f.TimeDateStamp, oh.SizeOfImage, oh.CheckSum, oh.SizeOfInitializedData}
	wantHdr := []uint32{4, 1700000000, 0x6000, 0, 8 + 0x1001 + 8}
	if diff := cmp.Diff(wantHdr, gotHdr); diff != "" {
		t.Errorf("headers [sections time SizeOfImage CheckSum SizeOfInitializedData] mismatch (-want +got):\n%s", diff)
	}
	for _, a := range adds {
		got, err := f.Section(a.name).Data()
		if err != nil {
			t.Fatalf("Section(%s).Data() = %v", a.name, err)
		}
		if got = got[:f.Section(a.name).VirtualSize]; !bytes.Equal(got, a.data) {
			t.Errorf("Section(%s) = %q, want %q", a.name, got, a.data)
		}
	}
}

func TestReplaceSection(t *testing.T) {
	img, err := Parse(makePE(".text", ".sbat", ".reloc"))
	if err != nil {
		t.Fatalf("Parse() = %v", err)
	}
	before := bytes.Clone(img.Bytes())
	if err := img.ReplaceSection(".sbat", []byte("sbat,1\n\x00")); err != nil {
		t.Fatalf("ReplaceSection() = %v", err)
	}
	got, _ := img.SectionData(".sbat")
	if string(got) != "sbat,1\n\x00" {
		t.Errorf("SectionData(.sbat) = %q, want %q", got, "sbat,1\n\x00")
	}
	after := img.Bytes()
	if len(after) != len(before) || !bytes.Equal(after[0x600:], before[0x600:]) || !bytes.Equal(after[0x200:0x400], before[0x200:0x400]) {
		t.Errorf("ReplaceSection(.sbat) changed bytes outside .sbat")
	}
	if err := img.ReplaceSection(".sbat", make([]byte, 0x201)); err == nil {
		t.Errorf("ReplaceSection(.sbat, 0x201 bytes) = nil, want error")
	}
	if err := img.ReplaceSection(".none", nil); err == nil {
		t.Errorf("ReplaceSection(.none) = nil, want error")
	}
}

func TestEditErrors(t *testing.T) {
	signed := makePE(".text")
	binary.LittleEndian.PutUint32(signed[0x58+112+8*dirSecurity:], 0x400)
	// The section table starts at 0x148; four headers fill SizeOfHeaders 0x200.
	tests := []struct {
		name string
		in   []byte
		edit func(*Image) error
		want error // nil: any error
	}{
		{"signed", signed, (*Image).Prepare, nil},
		{"header full", makePE(".a", ".b", ".c", ".d"), func(m *Image) error { return m.AddSection(".e", []byte("x"), CharacteristicsReadOnly) }, ErrNoHeaderSpace},
		{"long name", makePE(".a"), func(m *Image) error { return m.AddSection(".toolong1", nil, CharacteristicsReadOnly) }, nil},
		{"duplicate", makePE(".a"), func(m *Image) error { return m.AddSection(".a", nil, CharacteristicsReadOnly) }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse() = %v", err)
			}
			err = tt.edit(img)
			if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Errorf("edit = %v, want error %v", err, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	good := makePE(".text")
	mod := func(off int, v ...byte) []byte {
		b := bytes.Clone(good)
		copy(b[off:], v)
		return b
	}
	tests := []struct {
		name string
		in   []byte
	}{
		{"empty", nil},
		{"no MZ", mod(0, 'Z', 'M')},
		{"lfanew out of range", mod(dosLfanewOff, 0xff, 0xff, 0, 0)},
		{"no PE signature", mod(0x40, 'P', 'F')},
		{"no sections", mod(0x46, 0, 0)},
		{"bad magic", mod(0x58, 0x0b, 0x03)},
		{"bad file alignment", mod(0x58+optFileAlignment, 0x01, 0x02)},
		{"raw data past end", good[:0x300]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Parse(tt.in); !errors.Is(err, ErrFormat) {
				t.Errorf("Parse() = %v, want %v", err, ErrFormat)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add(makePE(".text"))
	f.Add(makePE(".text", ".sbat", ".reloc"))
	f.Fuzz(func(t *testing.T, in []byte) {
		img, err := Parse(in)
		if err != nil {
			return
		}
		if err := img.Prepare(); err != nil {
			return
		}
		if err := img.AddSection(".linux", []byte("payload"), CharacteristicsCode); err != nil {
			return
		}
		img.Finish()
		if got, ok := img.SectionData(".linux"); !ok || string(got) != "payload" {
			t.Fatalf("SectionData(.linux) = %q, %v after AddSection", got, ok)
		}
		if _, err := Parse(img.Bytes()); err != nil {
			t.Fatalf("Parse(edited image) = %v", err)
		}
	})
}
