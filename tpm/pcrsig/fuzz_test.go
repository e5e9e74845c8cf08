package pcrsig

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzParse: Parse never panics, and whatever it accepts Marshal writes
// back to bytes that parse to the same value.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"sign-252.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"sha1":[` + entryJSONText("", "") + `],"sha256":[` + entryJSONText("pcrs", "[7,11]") + `]}`))
	f.Add([]byte(`{"sha256":[{"pcrs":[11],"pcrs":[11]}]}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := Parse(b)
		if err != nil {
			return
		}
		out, err := s.Marshal()
		if err != nil {
			t.Fatalf("Marshal(Parse(%q)) = %v", b, err)
		}
		again, err := Parse(out)
		if err != nil {
			t.Fatalf("Parse(Marshal()) = %v for %q", err, out)
		}
		if diff := cmp.Diff(s, again); diff != "" {
			t.Fatalf("Parse(Marshal(Parse(b))) differs (-first +second):\n%s", diff)
		}
	})
}

// FuzzParsePublicKeyPEM: never panics; an accepted key writes back to a PEM
// that reads to the same key.
func FuzzParsePublicKeyPEM(f *testing.F) {
	b, err := os.ReadFile(filepath.Join("testdata", "key.pub.pem"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add(append([]byte("x"), b...))
	f.Add(bytes.ReplaceAll(b, []byte("PUBLIC KEY"), []byte("RSA PUBLIC KEY")))
	f.Fuzz(func(t *testing.T, b []byte) {
		pub, err := ParsePublicKeyPEM(b)
		if err != nil {
			return
		}
		out, err := PublicKeyPEM(pub)
		if err != nil {
			t.Fatal(err)
		}
		again, err := ParsePublicKeyPEM(out)
		if err != nil || !again.Equal(pub) {
			t.Fatalf("ParsePublicKeyPEM(PublicKeyPEM(k)) = %v, %v", again, err)
		}
	})
}
