package update

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"manx/image/verity/veritytest"
)

var testTime = time.Date(2026, 12, 8, 0, 0, 0, 0, time.UTC)

func testBundle(t testing.TB) Bundle {
	t.Helper()
	root := bytes.Repeat([]byte("manx root block "), 4096/16*40)
	tree, params := veritytest.Tree(t, root)
	uki := fmt.Appendf(nil, "MZ... verity 1 ... 4096 4096 40 1 sha256 %x %x\" root=/dev/dm-0", tree.RootHash, params.Salt)
	return Bundle{ImageVersion: 2, Root: root, Verity: tree.Device, RootHash: tree.RootHash, UKI: uki}
}

func pack(t testing.TB, b Bundle) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Pack(&buf, b, testTime); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestPackUnpack: Unpack gives back what Pack packed; two packs are equal.
func TestPackUnpack(t *testing.T) {
	b := testBundle(t)
	z := pack(t, b)
	if !bytes.Equal(z, pack(t, b)) {
		t.Error("two packs of one bundle differ")
	}
	got, err := Unpack(z)
	if err != nil {
		t.Fatal(err)
	}
	if got.ImageVersion != 2 || !bytes.Equal(got.Root, b.Root) || !bytes.Equal(got.Verity, b.Verity) || !bytes.Equal(got.UKI, b.UKI) || !bytes.Equal(got.RootHash, b.RootHash) {
		t.Error("Unpack(Pack(b)) differs from b")
	}
}

// TestRefused: bundles whose parts do not fit together are refused at
// packing, and altered zips at unpacking.
func TestRefused(t *testing.T) {
	tests := map[string]func(*Bundle){
		"root changed":      func(b *Bundle) { b.Root = bytes.Clone(b.Root); b.Root[5000] ^= 1 },
		"another root hash": func(b *Bundle) { b.RootHash = bytes.Repeat([]byte{1}, 32) },
		"UKI names another": func(b *Bundle) {
			b.UKI = bytes.ReplaceAll(b.UKI, []byte(hex.EncodeToString(b.RootHash)), []byte(strings.Repeat("0", 64)))
		},
		"no version":         func(b *Bundle) { b.ImageVersion = 0 },
		"hash device broken": func(b *Bundle) { b.Verity = bytes.Clone(b.Verity); b.Verity[4096+3] ^= 1 },
	}
	for name, mod := range tests {
		t.Run(name, func(t *testing.T) {
			b := testBundle(t)
			mod(&b)
			if err := Pack(&bytes.Buffer{}, b, testTime); err == nil {
				t.Error("Pack = nil error")
			}
		})
	}
	z := pack(t, testBundle(t))
	i := bytes.Index(z, []byte("manx root block"))
	z[i] ^= 1
	if _, err := Unpack(z); err == nil {
		t.Error("Unpack of a zip with a flipped root byte = nil error")
	}
}

func FuzzUnpack(f *testing.F) {
	f.Add(pack(f, testBundle(f)))
	f.Add([]byte("PK"))
	f.Fuzz(func(t *testing.T, z []byte) {
		b, err := Unpack(z)
		if err == nil && b.check() != nil {
			t.Fatal("Unpack accepted a bundle check refuses")
		}
	})
}
