package pins

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const good = `{"pins":[{"name":"a","version":"1","archive":"debian","path":"pool/main/a/a_1.orig.tar.xz","sha256":"` +
	"0000000000000000000000000000000000000000000000000000000000000000" + `","size":3,"origin":"test"}]}`

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		wantErr string
	}{
		{name: "good", in: good},
		{name: "unknown field", in: `{"pins":[],"extra":1}`, wantErr: "unknown field"},
		{name: "bad sha", in: strings.Replace(good, "0000000000000000000000000000000000000000000000000000000000000000", "abc", 1), wantErr: "64 lower-case hex"},
		{name: "bad path", in: strings.Replace(good, "pool/main", "../x", 1), wantErr: "want a pool/ path"},
		{name: "bad archive", in: strings.Replace(good, `"debian"`, `"ubuntu"`, 1), wantErr: "archive"},
		{name: "zero size", in: strings.Replace(good, `"size":3`, `"size":0`, 1), wantErr: "size 0"},
		{name: "not json", in: `{`, wantErr: "decoding"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.in))
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Parse() = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Parse() = %v, want error containing %q", err, tt.wantErr)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(good))
	f.Add([]byte(`{"pins":null}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := Parse(b)
		if err == nil && l.Validate() != nil {
			t.Fatalf("Parse accepted a list that does not validate")
		}
	})
}

// TestRepositoryPins checks the real pin list (TestVersionsFresh in
// checks/checks_test.go checks that VERSIONS.md is fresh).
func TestRepositoryPins(t *testing.T) {
	root := filepath.Join("..", "..")
	if _, err := Load(filepath.Join(root, File)); err != nil {
		t.Fatal(err)
	}
}

func TestRenderVersionsStable(t *testing.T) {
	l, _ := Parse([]byte(good))
	in := Inputs{Pins: l, GoMod: []byte("module m\nrequire example.com/x v1.0.0\n"), Toolchain: []string{"b", "a"}}
	var a, b bytes.Buffer
	if err := RenderVersions(&a, in); err != nil {
		t.Fatal(err)
	}
	if err := RenderVersions(&b, in); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("RenderVersions is not deterministic")
	}
	for _, want := range []string{"| a | 1 |", "| example.com/x | v1.0.0 |", "- a\n- b\n"} {
		if !strings.Contains(a.String(), want) {
			t.Errorf("RenderVersions() lacks %q:\n%s", want, a.String())
		}
	}
	f := filepath.Join(t.TempDir(), "V.md")
	os.WriteFile(f, a.Bytes(), 0o644)
	if err := CheckVersionsFile(f, in); err != nil {
		t.Errorf("CheckVersionsFile(fresh) = %v", err)
	}
	os.WriteFile(f, []byte("stale"), 0o644)
	if err := CheckVersionsFile(f, in); err == nil {
		t.Errorf("CheckVersionsFile(stale) = nil, want error")
	}
}
