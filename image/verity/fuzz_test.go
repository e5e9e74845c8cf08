package verity

import (
	"bytes"
	"testing"
)

// FuzzParseSuperblock: any input parses or errors without panicking, and
// what parses marshals back to the bytes it came from (padding aside).
func FuzzParseSuperblock(f *testing.F) {
	good, err := Superblock{Version: 1, HashType: 1, Algorithm: "sha256", DataBlockSize: 4096, HashBlockSize: 4096, DataBlocks: 9, Salt: []byte{1, 2}}.Marshal()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(good[:100])
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseSuperblock(b)
		if err != nil {
			return
		}
		again, err := s.Marshal()
		if err != nil {
			t.Fatalf("Marshal of a parsed superblock: %v", err)
		}
		s2, err := ParseSuperblock(again)
		if err != nil {
			t.Fatalf("re-parse: %v", err)
		}
		if !bytes.Equal(s2.Salt, s.Salt) || s2.DataBlocks != s.DataBlocks || s2.UUID != s.UUID {
			t.Fatal("superblock changed across Marshal/Parse")
		}
	})
}
