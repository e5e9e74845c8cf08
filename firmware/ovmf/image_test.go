package ovmf

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// summary is the comparable view of an Image used by the table tests.
type summary struct {
	Size      int64
	GUIDs     []string
	Metadata  *Metadata
	Reset     string
	HashTable string
}

func summarise(img *Image) summary {
	s := summary{Size: img.Size, Metadata: img.Metadata}
	for _, e := range img.Entries {
		s.GUIDs = append(s.GUIDs, e.GUID.String())
	}
	if a, err := img.ResetAddress(); err != nil {
		s.Reset = err.Error()
	} else {
		s.Reset = fmt.Sprintf("%#x", a)
	}
	if a, err := img.HashTable(); err != nil {
		s.HashTable = err.Error()
	} else {
		s.HashTable = fmt.Sprintf("%#x/%#x", a.GPA, a.Size)
	}
	return s
}

var testSections = []Section{
	{0x800000, 0x9000, SectionSNPSecMem},
	{0x80d000, 0x1000, SectionSNPSecrets},
	{0x80e000, 0x1000, SectionCPUID},
	{0x810000, 0x1000, SectionSNPKernelHashes},
}

func TestParse(t *testing.T) {
	const size = 0x10000
	good := func() []byte {
		img := buildImage(size, 0,
			testEntry{GUIDSEVMetadata, le32(0x400)},
			testEntry{GUIDSEVHashTable, le32(0x810c00, 0x400)},
			testEntry{GUIDSEVESResetBlock, le32(0x80b004)},
		)
		return put(img, 0x400, asev(1, 0, testSections...))
	}
	allGUIDs := []string{GUIDSEVMetadata.String(), GUIDSEVHashTable.String(), GUIDSEVESResetBlock.String()}

	tests := []struct {
		name    string
		img     []byte
		want    summary
		wantErr string // substring of the error; "" for success
		wantIs  error
	}{
		{
			name: "complete",
			img:  good(),
			want: summary{Size: size, GUIDs: allGUIDs, Metadata: &Metadata{Offset: size - 0x400, Version: 1, Sections: testSections},
				Reset: "0x80b004", HashTable: "0x810c00/0x400"},
		},
		{
			name: "no optional entries",
			img:  buildImage(size, 0, testEntry{GUIDTDXMetadata, le32(0x100)}),
			want: summary{Size: size, GUIDs: []string{GUIDTDXMetadata.String()},
				Reset: ErrNoResetBlock.Error(), HashTable: ErrNoHashTable.Error()},
		},
		{
			name: "empty table",
			img:  buildImage(size, 0),
			want: summary{Size: size, Reset: ErrNoResetBlock.Error(), HashTable: ErrNoHashTable.Error()},
		},
		{
			name: "hash table base 0",
			img:  buildImage(size, 0, testEntry{GUIDSEVHashTable, le32(0, 0)}, testEntry{GUIDSEVESResetBlock, le32(0x80b004, 0xffff)}),
			want: summary{Size: size, GUIDs: []string{GUIDSEVHashTable.String(), GUIDSEVESResetBlock.String()},
				Reset: "0x80b004", HashTable: "no SEV hash table area in OVMF image: entry 7255371f-3a3b-4b04-927b-1da6efa8d454 has base 0"},
		},
		{
			name: "zero descriptors",
			img:  put(buildImage(size, 0, testEntry{GUIDSEVMetadata, le32(0x100)}), 0x100, asev(1, 0)),
			want: summary{Size: size, GUIDs: []string{GUIDSEVMetadata.String()}, Metadata: &Metadata{Offset: size - 0x100, Version: 1, Sections: []Section{}},
				Reset: ErrNoResetBlock.Error(), HashTable: ErrNoHashTable.Error()},
		},
		{
			name: "unknown section type is reported, not rejected",
			img:  put(buildImage(size, 0, testEntry{GUIDSEVMetadata, le32(0x100)}), 0x100, asev(1, 0, Section{0x1000, 0x1000, 7})),
			want: summary{Size: size, GUIDs: []string{GUIDSEVMetadata.String()}, Metadata: &Metadata{Offset: size - 0x100, Version: 1, Sections: []Section{{0x1000, 0x1000, 7}}},
				Reset: ErrNoResetBlock.Error(), HashTable: ErrNoHashTable.Error()},
		},
		{name: "all zero", img: make([]byte, size), wantIs: ErrNoFooterTable, wantErr: "footer GUID 00000000-0000-0000-0000-000000000000 at offset 0xffd0"},
		{name: "too small", img: make([]byte, 49), wantIs: ErrNoFooterTable, wantErr: "image of 49 bytes is smaller than the 50-byte footer"},
		{name: "empty", img: nil, wantIs: ErrNoFooterTable, wantErr: "image of 0 bytes"},
		{name: "footer length too small", img: buildImage(size, 17), wantErr: "footer table length 17 is smaller than the footer entry"},
		{name: "footer length past start", img: buildImage(64, 0xffff), wantErr: "footer table length 65535 reaches before the start of the 64-byte image"},
		{
			name:    "entry length too small",
			img:     put(buildImage(size, 18+18), 32+18+18, append(le32(0)[:2], GUIDSEVESResetBlock[:]...)),
			wantErr: "entry 00f771de-1a7e-4fcb-890e-68c77e2fb44e at offset 0xffbc: length 0 is smaller than 18",
		},
		{
			name:    "entry length past table",
			img:     put(buildImage(size, 18+18), 32+18+18, append([]byte{19, 0}, GUIDSEVESResetBlock[:]...)),
			wantErr: "length 19 runs past the start of the table",
		},
		{
			name:    "duplicate entry",
			img:     buildImage(size, 0, testEntry{GUIDSEVESResetBlock, le32(1)}, testEntry{GUIDSEVESResetBlock, le32(2)}),
			wantErr: "entry 00f771de-1a7e-4fcb-890e-68c77e2fb44e appears twice",
		},
		{name: "short reset block", img: buildImage(size, 0, testEntry{GUIDSEVESResetBlock, []byte{1, 2}}), wantErr: "parsing SEV-ES reset block: entry 00f771de-1a7e-4fcb-890e-68c77e2fb44e has 2 bytes of data, want at least 4"},
		{name: "short hash table entry", img: buildImage(size, 0, testEntry{GUIDSEVHashTable, le32(1)}), wantErr: "parsing SEV hash table entry: entry 7255371f-3a3b-4b04-927b-1da6efa8d454 has 4 bytes of data, want at least 8"},
		{name: "short metadata entry", img: buildImage(size, 0, testEntry{GUIDSEVMetadata, nil}), wantErr: "parsing SEV metadata: entry dc886566-984a-4798-a75e-5585a7bf67cc has 0 bytes of data, want at least 4"},
		{name: "metadata offset 0", img: buildImage(size, 0, testEntry{GUIDSEVMetadata, le32(0)}), wantErr: "parsing SEV metadata: header at 0x0 bytes before the end lies outside the 65536-byte image"},
		{name: "metadata offset outside", img: buildImage(size, 0, testEntry{GUIDSEVMetadata, le32(size + 1)}), wantErr: "header at 0x10001 bytes before the end lies outside"},
		{name: "metadata header past end", img: buildImage(size, 0, testEntry{GUIDSEVMetadata, le32(8)}), wantErr: "header at 0x8 bytes before the end lies outside"},
		{
			name:    "metadata signature",
			img:     buildImage(size, 0, testEntry{GUIDSEVMetadata, le32(0x100)}),
			wantErr: `parsing SEV metadata: signature "\x00\x00\x00\x00" at offset 0xff00, want "ASEV"`,
		},
		{name: "metadata version", img: put(buildImage(size, 0, testEntry{GUIDSEVMetadata, le32(0x100)}), 0x100, asev(2, 0)), wantErr: "parsing SEV metadata: version 2, want 1"},
		{name: "metadata length too small", img: put(buildImage(size, 0, testEntry{GUIDSEVMetadata, le32(0x100)}), 0x100, asev(1, 15)), wantErr: "length 15 at offset 0xff00 does not fit"},
		{name: "metadata length past end", img: put(buildImage(size, 0, testEntry{GUIDSEVMetadata, le32(0x100)}), 0x100, asev(1, 0x101)), wantErr: "length 257 at offset 0xff00 does not fit the 65536-byte image"},
		{
			name:    "metadata count exceeds length",
			img:     put(buildImage(size, 0, testEntry{GUIDSEVMetadata, le32(0x100)}), 0x100, asev(1, 16+12, testSections[:2]...)),
			wantErr: "parsing SEV metadata: 2 descriptors do not fit in length 28",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			img, err := ParseBytes(tc.img)
			if tc.wantErr != "" || tc.wantIs != nil {
				if err == nil {
					t.Fatalf("ParseBytes(%s) = %+v, want error %q", tc.name, summarise(img), tc.wantErr)
				}
				if !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("ParseBytes(%s) error = %q, want it to contain %q", tc.name, err, tc.wantErr)
				}
				if tc.wantIs != nil && !errors.Is(err, tc.wantIs) {
					t.Errorf("ParseBytes(%s) error = %v, want errors.Is %v", tc.name, err, tc.wantIs)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseBytes(%s) error = %v, want nil", tc.name, err)
			}
			if diff := cmp.Diff(tc.want, summarise(img)); diff != "" {
				t.Errorf("ParseBytes(%s) mismatch (-want +got):\n%s", tc.name, diff)
			}
		})
	}
}

func TestImageMethods(t *testing.T) {
	const size = 0x20000
	raw := put(buildImage(size, 0, testEntry{GUIDSEVMetadata, le32(0x400)}, testEntry{GUIDTDXMetadata, []byte{9}}), 0x400, asev(1, 0, testSections...))
	img, err := ParseBytes(raw)
	if err != nil {
		t.Fatalf("ParseBytes() error = %v", err)
	}
	if got, want := img.BaseGPA(), uint64(0xfffe0000); got != want {
		t.Errorf("BaseGPA() = %#x, want %#x", got, want)
	}
	for _, tc := range []struct {
		t    SectionType
		want bool
	}{{SectionSNPKernelHashes, true}, {SectionCPUID, true}, {SectionSVSMCAA, false}} {
		if got := img.HasSection(tc.t); got != tc.want {
			t.Errorf("HasSection(%v) = %v, want %v", tc.t, got, tc.want)
		}
	}
	secs, err := img.Sections()
	if err != nil || !cmp.Equal(secs, testSections) {
		t.Errorf("Sections() = %v, %v, want %v, nil", secs, err, testSections)
	}
	e, ok := img.Entry(GUIDTDXMetadata)
	if want := (Entry{GUIDTDXMetadata, size - 32 - 18 - 19, []byte{9}}); !ok || !cmp.Equal(e, want) {
		t.Errorf("Entry(TDX) = %+v, %v, want %+v, true", e, ok, want)
	}
	if _, ok := img.Entry(GUIDSEVSecretBlock); ok {
		t.Errorf("Entry(secret block) found, want missing")
	}

	bare, err := ParseBytes(buildImage(size, 0))
	if err != nil {
		t.Fatalf("ParseBytes(bare) error = %v", err)
	}
	if _, err := bare.Sections(); !errors.Is(err, ErrNoSEVMetadata) {
		t.Errorf("Sections() on an image without metadata error = %v, want %v", err, ErrNoSEVMetadata)
	}
	if bare.HasSection(SectionSNPSecMem) {
		t.Errorf("HasSection(SNP_SEC_MEM) on an image without metadata = true, want false")
	}
}

// failingReader serves b but fails every read that overlaps [lo, hi).
type failingReader struct {
	b      []byte
	lo, hi int64
}

func (r failingReader) ReadAt(p []byte, off int64) (int, error) {
	if off < r.hi && off+int64(len(p)) > r.lo {
		return 0, errors.New("disk on fire")
	}
	return bytes.NewReader(r.b).ReadAt(p, off)
}

func TestParseReadErrors(t *testing.T) {
	const size = 0x10000
	raw := put(buildImage(size, 0, testEntry{GUIDSEVMetadata, le32(0x400)}), 0x400, asev(1, 0, testSections...))
	for _, tc := range []struct {
		name    string
		r       io.ReaderAt
		size    int64
		wantErr string
	}{
		{"footer", failingReader{raw, size - 40, size}, size, "reading footer: reading 18 bytes at offset 0xffce: disk on fire"},
		{"table", failingReader{raw, size - 60, size - 50}, size, "reading footer table: reading 22 bytes at offset 0xffb8: disk on fire"},
		{"short file", bytes.NewReader(raw[:size-100]), size, "reading footer: reading 18 bytes at offset 0xffce: unexpected EOF"},
		{"metadata", failingReader{raw, size - 0x400, size - 0x400 + 4}, size, "parsing SEV metadata: reading header: reading 16 bytes at offset 0xfc00: disk on fire"},
		{"descriptors", failingReader{raw, size - 0x400 + 17, size - 0x400 + 18}, size, "parsing SEV metadata: reading descriptors: reading 48 bytes at offset 0xfc10: disk on fire"},
		{"negative size", bytes.NewReader(raw), -1, "parsing OVMF image: negative size -1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse(tc.r, tc.size)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("Parse(%s) error = %v, want it to contain %q", tc.name, err, tc.wantErr)
			}
		})
	}
}

func TestSectionTypeString(t *testing.T) {
	for _, tc := range []struct {
		t    SectionType
		want string
	}{
		{SectionSNPSecMem, "SNP_SEC_MEM"}, {SectionSNPSecrets, "SNP_SECRETS"}, {SectionCPUID, "CPUID"},
		{SectionSVSMCAA, "SVSM_CAA"}, {SectionSNPKernelHashes, "SNP_KERNEL_HASHES"}, {0x11, "unknown(0x11)"},
	} {
		if got := tc.t.String(); got != tc.want {
			t.Errorf("SectionType(%d).String() = %q, want %q", uint32(tc.t), got, tc.want)
		}
	}
}
