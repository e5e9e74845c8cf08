package ovmf

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDescribe(t *testing.T) {
	const size = 0x10000
	withMD := put(buildImage(size, 0, testEntry{GUIDSEVMetadata, le32(0x100)}, testEntry{GUID{1}, []byte{0xab}}), 0x100,
		asev(1, 0, Section{0x800000, 0x9000, SectionSNPSecMem}, Section{0x80d000, 0x1000, 9}))
	for _, tc := range []struct {
		name string
		raw  []byte
		want string
	}{
		{"metadata", withMD, `image size               0x10000 (65536 bytes)
base GPA                 0xffff0000
SEV-ES AP reset address  none
SEV hash table           none

footer table entry                    name                 offset  data
dc886566-984a-4798-a75e-5585a7bf67cc  SEV metadata offset  0xffa5  00010000
00000001-0000-0000-0000-000000000000  -                    0xffbb  ab

SEV metadata at 0xff00, version 1
#  type          GPA       size
0  SNP_SEC_MEM   0x800000  0x9000
1  unknown(0x9)  0x80d000  0x1000
`},
		{"bare", buildImage(size, 0, testEntry{GUIDSEVESResetBlock, le32(0x80b004)}, testEntry{GUIDSEVHashTable, le32(0x810c00, 0x400)}), `image size               0x10000 (65536 bytes)
base GPA                 0xffff0000
SEV-ES AP reset address  0x80b004
SEV hash table           0x810c00 size 0x400

footer table entry                    name                offset  data
00f771de-1a7e-4fcb-890e-68c77e2fb44e  SEV-ES reset block  0xff9e  04b08000
7255371f-3a3b-4b04-927b-1da6efa8d454  SEV hash table      0xffb4  000c810000040000

SEV metadata  none
`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img, err := ParseBytes(tc.raw)
			if err != nil {
				t.Fatalf("ParseBytes() error = %v", err)
			}
			var b strings.Builder
			if err := Describe(&b, img); err != nil {
				t.Fatalf("Describe() error = %v", err)
			}
			if diff := cmp.Diff(tc.want, b.String()); diff != "" {
				t.Errorf("Describe() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
