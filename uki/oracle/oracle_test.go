package oracle

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// objdumpOut is objdump -h of a Manx UKI (binutils 2.40), trimmed to the
// lines the parser reads plus the header noise it must skip.
const objdumpOut = `
manx.efi:     file format pei-x86-64

Sections:
Idx Name          Size      VMA               LMA               File off  Algn
  0 .text         0000f3a0  0000000000001000  0000000000001000  00000400  2**4
                  CONTENTS, ALLOC, LOAD, READONLY, CODE
  1 .rodata       00004f8c  0000000000011000  0000000000011000  0000f800  2**4
  2 .data         00000340  0000000000016000  0000000000016000  00014800  2**4
  3 .sdmagic      00000030  0000000000017000  0000000000017000  00014c00  2**2
  4 .sbat         000000e5  0000000000018000  0000000000018000  00014e00  2**2
  5 .reloc        0000000c  0000000000019000  0000000000019000  00015000  2**2
  6 .osrel        0000005b  000000000001a000  000000000001a000  00015200  2**2
  7 .cmdline      0000005a  000000000001b000  000000000001b000  00015400  2**2
  8 .uname        00000009  000000000001c000  000000000001c000  00015600  2**2
  9 .initrd       007d0000  000000000001d000  000000000001d000  00015800  2**2
 10 .linux        002f8000  00000000007ed000  00000000007ed000  007e5800  2**2
`

func TestParseObjdump(t *testing.T) {
	secs, err := ParseObjdump([]byte(objdumpOut))
	if err != nil {
		t.Fatalf("ParseObjdump() = %v", err)
	}
	if diff := cmp.Diff(Section{Name: ".linux", Size: 0x2f8000, VMA: 0x7ed000}, secs[len(secs)-1]); diff != "" {
		t.Errorf("last section (-want +got):\n%s", diff)
	}
	if err := CheckUKI(secs); err != nil {
		t.Errorf("CheckUKI(a good UKI) = %v", err)
	}
	if _, err := ParseObjdump([]byte("not objdump")); err == nil {
		t.Error("ParseObjdump(garbage) = nil error")
	}
}

func TestCheckUKIRefuses(t *testing.T) {
	good, err := ParseObjdump([]byte(objdumpOut))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		edit func([]Section) []Section
		want string
	}{
		{"missing .linux", func(s []Section) []Section { return s[:len(s)-1] }, "want ["},
		{"unaligned", func(s []Section) []Section { s[7].VMA += 8; return s }, ".cmdline: VMA 0x1b008 not aligned"},
		{"overlap", func(s []Section) []Section { s[9].Size = 0x800000; return s }, ".linux: VMA 0x7ed000 overlaps .initrd"},
		{"empty", func(s []Section) []Section { s[8].Size = 0; return s }, ".uname: empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			secs := tt.edit(append([]Section(nil), good...))
			err := CheckUKI(secs)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("CheckUKI() = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}

func FuzzParseObjdump(f *testing.F) {
	f.Add([]byte(objdumpOut))
	f.Fuzz(func(t *testing.T, b []byte) {
		secs, err := ParseObjdump(b)
		if err == nil && len(secs) == 0 {
			t.Fatal("no error and no sections")
		}
		_ = CheckUKI(secs)
	})
}
