package seal

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-tpm/tpm2"
)

// sealedPublicBytes is a sealed-data object's TPMT_PUBLIC as Seal makes it.
func sealedPublicBytes(attrs tpm2.TPMAObject, typ tpm2.TPMIAlgPublic) []byte {
	pub := tpm2.TPMTPublic{
		Type:             typ,
		NameAlg:          tpm2.TPMAlgSHA256,
		ObjectAttributes: attrs,
		AuthPolicy:       tpm2.TPM2BDigest{Buffer: bytes.Repeat([]byte{0xAA}, 32)},
		Parameters: tpm2.NewTPMUPublicParms(tpm2.TPMAlgKeyedHash, &tpm2.TPMSKeyedHashParms{
			Scheme: tpm2.TPMTKeyedHashScheme{Scheme: tpm2.TPMAlgNull},
		}),
		Unique: tpm2.NewTPMUPublicID(tpm2.TPMAlgKeyedHash, &tpm2.TPM2BDigest{Buffer: bytes.Repeat([]byte{0xBB}, 32)}),
	}
	return tpm2.Marshal(pub)
}

func testBlob(pcr7 bool) Blob {
	b := Blob{
		Public:         sealedPublicBytes(tpm2.TPMAObject{FixedTPM: true, FixedParent: true}, tpm2.TPMAlgKeyedHash),
		Private:        bytes.Repeat([]byte{0xCC}, 80),
		KeyFingerprint: bytes.Repeat([]byte{0xDD}, 32),
	}
	if pcr7 {
		b.PCR7 = bytes.Repeat([]byte{0xEE}, 32)
	}
	return b
}

func TestBlobRoundTrip(t *testing.T) {
	for _, pcr7 := range []bool{false, true} {
		b := testBlob(pcr7)
		out, err := b.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		wantLen := 8 + 2 + 32 + 2 + len(b.Public) + 2 + len(b.Private)
		if pcr7 {
			wantLen += 32
		}
		if len(out) != wantLen || !bytes.HasPrefix(out, []byte("MANXSEAL\x01")) {
			t.Errorf("Marshal() = %d bytes starting %q, want %d starting MANXSEAL\\x01", len(out), out[:9], wantLen)
		}
		got, err := Unmarshal(out)
		if err != nil {
			t.Fatalf("Unmarshal(Marshal()) = %v", err)
		}
		if diff := cmp.Diff(b, got); diff != "" {
			t.Errorf("Unmarshal(Marshal()) (-want +got):\n%s", diff)
		}
	}
}

func TestUnmarshalErrors(t *testing.T) {
	good, err := testBlob(true).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	// Offsets in good: magic 0, version 8, flags 9, fingerprint 10, PCR 7
	// 42, public size 74.
	with := func(f func(b []byte) []byte) string { return string(f(bytes.Clone(good))) }
	pubAt := 74
	pubLen := int(binary.BigEndian.Uint16(good[pubAt:]))
	rebuild := func(pub []byte) string {
		b := testBlob(true)
		out := append([]byte{}, good[:pubAt]...)
		out = binary.BigEndian.AppendUint16(out, uint16(len(pub)))
		out = append(out, pub...)
		out = binary.BigEndian.AppendUint16(out, uint16(len(b.Private)))
		return string(append(out, b.Private...))
	}
	for _, tc := range []struct {
		name, in, want string
	}{
		{"empty", "", "bad magic"},
		{"other magic", with(func(b []byte) []byte { b[0] = 'X'; return b }), "bad magic"},
		{"version 2", with(func(b []byte) []byte { b[8] = 2; return b }), "version 2, want 1"},
		{"unknown flag", with(func(b []byte) []byte { b[9] |= 0x80; return b }), "unknown flags 0x80"},
		{"header cut", string(good[:9]), "truncated header"},
		{"fingerprint cut", string(good[:20]), "truncated key fingerprint"},
		{"PCR 7 cut", string(good[:50]), "truncated PCR 7 value"},
		{"public cut", string(good[:pubAt+10]), "truncated public area"},
		{"private cut", string(good[:len(good)-1]), "truncated private area"},
		{"trailing", string(good) + "x", "1 bytes after the private area"},
		{"too big", strings.Repeat("x", MaxBlobSize+1), "more than"},
		{"empty public", rebuild(nil), "public area is 0 bytes"},
		{"public trailing bytes", rebuild(append(sealedPublicBytes(tpm2.TPMAObject{FixedTPM: true}, tpm2.TPMAlgKeyedHash), 0)), "not canonical"},
		{"public garbage", rebuild([]byte{1, 2, 3}), "public area: "},
		{"public userWithAuth", rebuild(sealedPublicBytes(tpm2.TPMAObject{UserWithAuth: true}, tpm2.TPMAlgKeyedHash)), "userWithAuth is set"},
		{"empty private", string(good[:pubAt+2+pubLen]) + "\x00\x00", "private area is 0 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Unmarshal([]byte(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Unmarshal() = %v, want an error containing %q", err, tc.want)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "sealed blob: ") {
				t.Errorf("Unmarshal() error %q does not start with \"sealed blob: \"", err)
			}
		})
	}
}

func TestMarshalValidates(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Blob)
		want string
	}{
		{"short fingerprint", func(b *Blob) { b.KeyFingerprint = b.KeyFingerprint[:31] }, "key fingerprint is 31 bytes"},
		{"short PCR 7", func(b *Blob) { b.PCR7 = make([]byte, 20) }, "PCR 7 value is 20 bytes"},
		{"huge private", func(b *Blob) { b.Private = make([]byte, maxPrivateSize+1) }, "private area is 1025 bytes"},
		{"RSA public", func(b *Blob) {
			b.Public = tpm2.Marshal(tpm2.TPMTPublic{Type: tpm2.TPMAlgRSA, NameAlg: tpm2.TPMAlgSHA256,
				AuthPolicy: tpm2.TPM2BDigest{Buffer: make([]byte, sha256.Size)},
				Parameters: tpm2.NewTPMUPublicParms(tpm2.TPMAlgRSA, &tpm2.TPMSRSAParms{Symmetric: tpm2.TPMTSymDefObject{Algorithm: tpm2.TPMAlgNull}, Scheme: tpm2.TPMTRSAScheme{Scheme: tpm2.TPMAlgNull}, KeyBits: 2048}),
				Unique:     tpm2.NewTPMUPublicID(tpm2.TPMAlgRSA, &tpm2.TPM2BPublicKeyRSA{Buffer: make([]byte, 256)})})
		}, "want keyedhash"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := testBlob(false)
			tc.edit(&b)
			_, err := b.Marshal()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Marshal() = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// FuzzUnmarshal: Unmarshal never panics, and what it accepts Marshal
// writes back to the same bytes.
func FuzzUnmarshal(f *testing.F) {
	for _, pcr7 := range []bool{false, true} {
		b, err := testBlob(pcr7).Marshal()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("MANXSEAL\x01\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := Unmarshal(data)
		if err != nil {
			return
		}
		out, err := b.Marshal()
		if err != nil {
			t.Fatalf("Marshal(Unmarshal(%x)) = %v", data, err)
		}
		if !bytes.Equal(out, data) {
			t.Fatalf("Marshal(Unmarshal(b)) = %x, want %x", out, data)
		}
	})
}
