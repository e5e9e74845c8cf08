package ovmf

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"manx/firmware/snp/snptest"
)

// TestParseAmdSev parses the Debian sid ovmf-amdsev 2026.08+ds-2 image of the SEV-SNP
// reference vectors (the pinned package, see snptest) through a file, as callers do.
func TestParseAmdSev(t *testing.T) {
	f, err := os.Open(filepath.Join(snptest.Dir(t), "OVMF.amdsev.fd"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	img, err := Parse(f, fi.Size())
	if err != nil {
		t.Fatalf("Parse(OVMF.amdsev.fd) error = %v", err)
	}
	want := summary{
		Size: 0x400000,
		GUIDs: []string{
			GUIDIGVMMetadata.String(), GUIDTDXMetadata.String(), GUIDSEVMetadata.String(),
			GUIDSEVHashTable.String(), GUIDSEVSecretBlock.String(), GUIDSEVESResetBlock.String(),
		},
		Metadata: &Metadata{Offset: 0x3ffa3c, Version: 1, Sections: []Section{
			{0x800000, 0x9000, SectionSNPSecMem},
			{0x80a000, 0x3000, SectionSNPSecMem},
			{0x80d000, 0x1000, SectionSNPSecrets},
			{0x80e000, 0x1000, SectionCPUID},
			{0x80f000, 0x1000, SectionSVSMCAA},
			{0x811000, 0x1f000, SectionSNPSecMem},
			{0x810000, 0x1000, SectionSNPKernelHashes},
		}},
		Reset:     "0x80b004",
		HashTable: "0x810c00/0x400",
	}
	if diff := cmp.Diff(want, summarise(img)); diff != "" {
		t.Errorf("Parse(OVMF.amdsev.fd) mismatch (-want +got):\n%s", diff)
	}
	if got, want := img.BaseGPA(), uint64(0xffc00000); got != want {
		t.Errorf("BaseGPA() = %#x, want %#x", got, want)
	}
	var buf bytes.Buffer
	if err := Describe(&buf, img); err != nil {
		t.Fatalf("Describe() error = %v", err)
	}
	for _, s := range []string{"0xffc00000", "SNP_KERNEL_HASHES  0x810000  0x1000", "SEV-ES AP reset address  0x80b004"} {
		if !bytes.Contains(buf.Bytes(), []byte(s)) {
			t.Errorf("Describe() = %s\nwant it to contain %q", buf.String(), s)
		}
	}
}
