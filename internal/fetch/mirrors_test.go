package fetch

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMirrors(t *testing.T) {
	dir := t.TempDir()
	list := filepath.Join(dir, "sources.list")
	d := filepath.Join(dir, "sources.list.d")
	os.MkdirAll(d, 0o755)
	os.WriteFile(list, []byte("# comment\ndeb [arch=amd64 signed-by=/k.gpg] http://one.example/debian bookworm main\ndeb-src http://src.example/debian bookworm main\ndeb http://sec.example/debian-security bookworm-security main\n"), 0o644)
	os.WriteFile(filepath.Join(d, "a.sources"), []byte("Types: deb\nURIs: http://two.example/debian/\nSuites: bookworm bookworm-updates\nComponents: main\n\nTypes: deb\nURIs: http://off.example/debian\nSuites: bookworm\nEnabled: no\n\nTypes: deb\nURIs: https://deb.nodesource.example/node_20.x\nSuites: nodistro\n"), 0o644)
	os.WriteFile(filepath.Join(d, "b.list.disabled"), []byte("deb http://disabled.example/debian bookworm main\n"), 0o644)
	os.WriteFile(filepath.Join(d, "c.list"), []byte("deb http://one.example/debian bookworm-backports main\n"), 0o644)
	cfg := AptConfig{SourcesList: list, SourcesDir: d}
	t.Setenv("MANX_DEBIAN_MIRROR", "")

	tests := []struct {
		archive string
		want    []string
	}{
		{"debian", []string{"http://one.example/debian", "http://two.example/debian"}},
		{"debian-security", []string{"http://sec.example/debian-security"}},
	}
	for _, tt := range tests {
		got, err := Mirrors(tt.archive, cfg)
		if err != nil {
			t.Fatalf("Mirrors(%q) error = %v", tt.archive, err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Mirrors(%q) mismatch (-want +got):\n%s", tt.archive, diff)
		}
	}

	t.Setenv("MANX_DEBIAN_MIRROR", "http://env.example/debian/, http://env2.example/debian")
	got, _ := Mirrors("debian", cfg)
	if diff := cmp.Diff([]string{"http://env.example/debian", "http://env2.example/debian"}, got); diff != "" {
		t.Errorf("Mirrors with MANX_DEBIAN_MIRROR (-want +got):\n%s", diff)
	}

	t.Setenv("MANX_DEBIAN_MIRROR", "")
	if _, err := Mirrors("debian", AptConfig{SourcesList: filepath.Join(dir, "none"), SourcesDir: filepath.Join(dir, "none.d")}); err == nil {
		t.Error("Mirrors(no sources) = nil error, want one")
	}
}

func FuzzParseSources(f *testing.F) {
	f.Add("deb [a=b] http://x/debian bookworm main\n", "Types: deb\nURIs: http://x/\nSuites: sid\n")
	f.Fuzz(func(t *testing.T, oneLine, deb822 string) {
		parseOneLine(oneLine)
		parseDeb822(deb822)
	})
}
