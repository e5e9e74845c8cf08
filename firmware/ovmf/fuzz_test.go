package ovmf

import (
	"bytes"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"

	"manx/firmware/snp/snptest"
)

// FuzzParse checks that Parse never panics, that what it returns lies inside the
// image, and that parsing through an io.ReaderAt and from memory agree.
func FuzzParse(f *testing.F) {
	real := snptest.ReadFile(f, "OVMF.amdsev.fd")
	f.Add(real[len(real)-0x600:]) // the SEV metadata starts 0x5c4 bytes before the end
	f.Add(put(buildImage(0x1000, 0,
		testEntry{GUIDSEVMetadata, le32(0x400)},
		testEntry{GUIDSEVHashTable, le32(0x810c00, 0x400)},
		testEntry{GUIDSEVESResetBlock, le32(0x80b004)},
	), 0x400, asev(1, 0, testSections...)))
	f.Add(buildImage(64, 0))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		img, err := ParseBytes(b)
		img2, err2 := Parse(io.NewSectionReader(bytes.NewReader(b), 0, int64(len(b))), int64(len(b)))
		if (err == nil) != (err2 == nil) {
			t.Fatalf("ParseBytes() error = %v, Parse(SectionReader) error = %v, want the same", err, err2)
		}
		if err != nil {
			if img != nil {
				t.Fatalf("ParseBytes() = %+v with error %v, want nil", img, err)
			}
			return
		}
		if !cmp.Equal(summarise(img), summarise(img2)) {
			t.Fatalf("ParseBytes() and Parse(SectionReader) disagree: %+v vs %+v", summarise(img), summarise(img2))
		}
		for _, e := range img.Entries {
			if e.Offset < 0 || e.Offset+int64(len(e.Data)) > int64(len(b)) || !bytes.Equal(b[e.Offset:e.Offset+int64(len(e.Data))], e.Data) {
				t.Fatalf("entry %s at %#x (%d bytes) does not match the image", e.GUID, e.Offset, len(e.Data))
			}
		}
		if md := img.Metadata; md != nil {
			if md.Offset < 0 || md.Offset+metadataHeaderSize+int64(len(md.Sections))*descriptorSize > int64(len(b)) {
				t.Fatalf("metadata at %#x with %d sections lies outside the %d-byte image", md.Offset, len(md.Sections), len(b))
			}
		}
		if err := Describe(io.Discard, img); err != nil {
			t.Fatalf("Describe() error = %v", err)
		}
	})
}
