package eventlog

import (
	"bytes"
	"io"
	"os"
	"testing"
)

func FuzzParse(f *testing.F) {
	f.Add([]byte{})
	f.Add(mustMarshal(f, testLog(f)))
	f.Add(legacyLog())
	l, _ := New(SHA256)
	f.Add(mustMarshal(f, l))
	if b, err := os.ReadFile("testdata/capture/eventlog.bin"); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := Parse(b)
		if err != nil {
			return
		}
		// What parses re-encodes to the same bytes.
		again, err := Marshal(l)
		if err != nil {
			t.Fatalf("Marshal(Parse(b)) = %v", err)
		}
		if !bytes.Equal(again, b) {
			t.Fatalf("Marshal(Parse(b)) != b\n got %x\nwant %x", again, b)
		}
		// Describing and replaying never panic.
		_ = Describe(io.Discard, l)
		for _, as := range l.Algorithms {
			_, _ = Replay(l, as.Alg)
		}
		_, _ = Replay(l, SHA1)
	})
}
