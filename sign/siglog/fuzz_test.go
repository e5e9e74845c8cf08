package siglog

import (
	"crypto"
	"crypto/sha256"
	"testing"
)

func FuzzParse(f *testing.F) {
	rec, log, err := Record(mustSet(f))
	if err != nil {
		f.Fatal(err)
	}
	d := sha256.Sum256([]byte("seed"))
	if _, err := rec.DB.Signer().Sign(nil, d[:], crypto.SHA256); err != nil {
		f.Fatal(err)
	}
	if _, err := rec.StbootSigner.Signer().Sign(nil, d[:], crypto.Hash(0)); err != nil {
		f.Fatal(err)
	}
	good, err := log.Marshal()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte(`{"schema":1,"certificates":[],"signatures":[]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := Parse(b)
		if err != nil {
			return
		}
		// Whatever parses re-encodes to a file that parses to the same log.
		out, err := l.Marshal()
		if err != nil {
			t.Fatalf("Marshal(Parse()) = %v", err)
		}
		l2, err := Parse(out)
		if err != nil {
			t.Fatalf("Parse(Marshal(Parse())) = %v", err)
		}
		out2, err := l2.Marshal()
		if err != nil || string(out2) != string(out) {
			t.Fatalf("re-encoding is not stable: %v", err)
		}
		if _, err := l.Replay(); err != nil {
			t.Fatalf("Replay() of a parsed log = %v", err)
		}
	})
}
