package pcr

import (
	"bytes"
	"crypto"
	"encoding/binary"
	"strings"
	"testing"

	uefi "github.com/foxboron/go-uefi/authenticode"

	"manx/tpm/eventlog"
)

func goUEFIHash(t *testing.T, b []byte) []byte {
	t.Helper()
	img, err := uefi.Parse(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("go-uefi Parse() = %v", err)
	}
	return img.Hash(crypto.SHA256)
}

// TestAuthenticodeMatchesGoUEFI: for 8-byte-aligned images (the stub, an
// unsigned and a signed UKI) the digest is go-uefi's, and signing does not
// change it.
func TestAuthenticodeMatchesGoUEFI(t *testing.T) {
	unsigned := assemble(t, testSpec(t))
	signed := signedUKI(t)
	images := map[string][]byte{"stub": testSpec(t).Stub, "unsigned UKI": unsigned, "signed UKI": signed}
	for name, b := range images {
		t.Run(name, func(t *testing.T) {
			if len(b)%8 != 0 {
				t.Fatalf("%s is %d bytes, not 8-aligned", name, len(b))
			}
			got, err := Authenticode(b, eventlog.SHA256)
			if err != nil {
				t.Fatal(err)
			}
			if want := goUEFIHash(t, b); !bytes.Equal(got, want) {
				t.Errorf("Authenticode() = %x, go-uefi %x", got, want)
			}
		})
	}
	a, _ := Authenticode(unsigned, eventlog.SHA256)
	b, _ := Authenticode(signed, eventlog.SHA256)
	if !bytes.Equal(a, b) {
		t.Errorf("Authenticode(signed) = %x, Authenticode(unsigned) = %x; want equal", b, a)
	}
}

// TestAuthenticodeNoPadding: EDK II hashes an unaligned image's trailing
// bytes as they are; go-uefi pads them with zeros to 8 bytes.
func TestAuthenticodeNoPadding(t *testing.T) {
	img := makePE([]section{{name: ".text", data: []byte("code")}}, []byte("abc"))
	got, err := Authenticode(img, eventlog.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	if padded := goUEFIHash(t, img); bytes.Equal(got, padded) {
		t.Errorf("Authenticode(unaligned) = go-uefi's padded digest %x", got)
	}
	zeroPadded := append(bytes.Clone(img), 0, 0, 0, 0, 0)
	want, _ := Authenticode(zeroPadded, eventlog.SHA256)
	if padded := goUEFIHash(t, img); !bytes.Equal(want, padded) {
		t.Errorf("Authenticode(image + zeros) = %x, go-uefi(image) = %x; want equal", want, padded)
	}
	// The digest covers: headers without CheckSum and the security entry,
	// the section, the trailing bytes.
	m, _ := parsePE(img)
	manual := h256(img[:m.checksumOff], img[m.checksumOff+4:m.secDirOff], img[m.secDirOff+8:m.sizeOfHeaders],
		img[m.sizeOfHeaders:m.sizeOfHeaders+0x200], []byte("abc"))
	if !bytes.Equal(got, manual) {
		t.Errorf("Authenticode() = %x, hand-computed %x", got, manual)
	}
	// CheckSum does not count.
	other := bytes.Clone(img)
	binary.LittleEndian.PutUint32(other[m.checksumOff:], 1)
	if d, _ := Authenticode(other, eventlog.SHA256); !bytes.Equal(d, got) {
		t.Errorf("changing CheckSum changed the digest")
	}
}

func TestAuthenticodeErrors(t *testing.T) {
	img := makePE([]section{{name: ".text", data: []byte("code")}}, nil)
	m, _ := parsePE(img)
	set := func(off int, v uint32) []byte {
		c := bytes.Clone(img)
		binary.LittleEndian.PutUint32(c[off:], v)
		return c
	}
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "no MZ header"},
		{"no PE signature", set(0x3c, 0x1000000), "no PE signature"},
		{"section past the end", img[:len(img)-1], "runs past the file end"},
		{"cert table not at the end", set(m.secDirOff, 0x200), "certificate table"},
		{"bad magic", set(0x40+4+20, 0x999), "magic"},
		{"SizeOfHeaders", set(0x40+4+20+60, 0x10), "SizeOfHeaders"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name == "cert table not at the end" {
				binary.LittleEndian.PutUint32(tt.in[m.secDirOff+4:], 8)
			}
			_, err := Authenticode(tt.in, eventlog.SHA256)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Authenticode() = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}
