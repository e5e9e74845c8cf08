package varstore

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/binary"
	"testing"

	"github.com/foxboron/go-uefi/efi/signature"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestX509ESLOnePerCert checks one ESL per certificate even when all DER
// encodings have the same length (the go-uefi Append pitfall), and that our
// parser and go-uefi's agree.
func TestX509ESLOnePerCert(t *testing.T) {
	c := fixedCerts(t)
	certs := append([]*x509.Certificate{c.PK}, append(c.KEK, c.DB...)...)
	if len(certs[0].Raw) != len(certs[1].Raw) || len(certs[1].Raw) != len(certs[2].Raw) {
		t.Fatalf("test certificates should have equal DER lengths, have %d %d %d", len(certs[0].Raw), len(certs[1].Raw), len(certs[2].Raw))
	}
	owners := []GUID{ManxOwnerGUID, MicrosoftOwnerGUID, ManxOwnerGUID}
	data, err := x509ESLs(certs, owners)
	if err != nil {
		t.Fatal(err)
	}
	lists, err := ParseSignatureLists(data)
	if err != nil {
		t.Fatalf("ParseSignatureLists() error = %v", err)
	}
	var want []SignatureList
	for i, c := range certs {
		want = append(want, SignatureList{Type: CertX509GUID, Entries: []SignatureEntry{{Owner: owners[i], Data: c.Raw}}})
	}
	if diff := cmp.Diff(want, lists, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("ParseSignatureLists() mismatch (-want +got):\n%s", diff)
	}
	// Differential: go-uefi's reader sees the same lists.
	db, err := signature.ReadSignatureDatabase(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("signature.ReadSignatureDatabase() error = %v", err)
	}
	if len(db) != len(certs) {
		t.Fatalf("go-uefi sees %d lists, want %d", len(db), len(certs))
	}
	for i, l := range db {
		if len(l.Signatures) != 1 || !bytes.Equal(l.Signatures[0].Data, certs[i].Raw) || l.Signatures[0].Owner != owners[i] {
			t.Errorf("go-uefi list %d = %+v, want certificate %d", i, l, i)
		}
	}
	// Layout by hand: type, ListSize = 28+16+len, HeaderSize 0, SignatureSize 16+len.
	n := len(certs[0].Raw)
	if got := binary.LittleEndian.Uint32(data[16:]); got != uint32(28+16+n) {
		t.Errorf("ListSize = %d, want %d", got, 28+16+n)
	}
	if got := binary.LittleEndian.Uint32(data[24:]); got != uint32(16+n) {
		t.Errorf("SignatureSize = %d, want %d", got, 16+n)
	}
}

func TestSHA256ESL(t *testing.T) {
	data, err := sha256ESL(PlaceholderDBXOwnerGUID, sha256.Sum256(nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(data) != 76 {
		t.Errorf("len(placeholder dbx) = %d, want 76 (as in Debian's OVMF_VARS_4M.ms.fd)", len(data))
	}
	lists, err := ParseSignatureLists(data)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(nil)
	want := []SignatureList{{Type: CertSHA256GUID, Entries: []SignatureEntry{{Owner: PlaceholderDBXOwnerGUID, Data: sum[:]}}}}
	if diff := cmp.Diff(want, lists, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("ParseSignatureLists(dbx) mismatch (-want +got):\n%s", diff)
	}
}

func TestParseSignatureListsErrors(t *testing.T) {
	hdr := func(typ GUID, list, header, size uint32) []byte {
		b := make([]byte, 28)
		putGUID(b, typ)
		binary.LittleEndian.PutUint32(b[16:], list)
		binary.LittleEndian.PutUint32(b[20:], header)
		binary.LittleEndian.PutUint32(b[24:], size)
		return b
	}
	pad := func(b []byte, n int) []byte { return append(b, make([]byte, n)...) }
	tests := []struct {
		name string
		in   []byte
		ok   bool
	}{
		{"empty", nil, true},
		{"short header", make([]byte, 27), false},
		{"ListSize below header", hdr(CertX509GUID, 27, 0, 0), false},
		{"ListSize past end", hdr(CertX509GUID, 100, 0, 16), false},
		{"HeaderSize past list", pad(hdr(CertX509GUID, 40, 13, 0), 12), false},
		{"SignatureSize 0 with body", pad(hdr(CertX509GUID, 44, 0, 0), 16), false},
		{"SignatureSize below GUID", pad(hdr(CertX509GUID, 44, 0, 8), 16), false},
		{"body not multiple", pad(hdr(CertX509GUID, 28+40, 0, 17), 40), false},
		{"SHA256 wrong size", pad(hdr(CertSHA256GUID, 28+40, 0, 40), 40), false},
		{"empty list", hdr(CertX509GUID, 28, 0, 0), true},
		{"unknown type with header", pad(hdr(VariableGUID, 28+4+20, 4, 20), 24), true},
		{"SignatureSize huge", pad(hdr(CertX509GUID, 44, 0, 0xFFFFFFFF), 16), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSignatureLists(tt.in)
			if (err == nil) != tt.ok {
				t.Errorf("ParseSignatureLists(%x) error = %v, want ok %v", tt.in, err, tt.ok)
			}
		})
	}
}
