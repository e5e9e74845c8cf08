package manifest

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"manx/internal/testutil"
)

func TestWriteGolden(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x86_64.json")
	if err := Write(path, sample()); err != nil {
		t.Fatalf("Write() = %v", err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	testutil.Golden(t, golden, got)
	if !bytes.HasSuffix(got, []byte("}\n")) || bytes.HasSuffix(got, []byte("\n\n")) {
		t.Errorf("Write(sample) ends %q, want exactly one trailing newline", got[len(got)-3:])
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o644 {
		t.Errorf("Write(sample) mode = %v, want 0644", st.Mode().Perm())
	}
}

// TestWriteTwice builds the manifest twice, once from a reordered copy, into
// two directories: the files must be byte-identical, and reading one back
// and writing it again must not change a byte.
func TestWriteTwice(t *testing.T) {
	reordered := sample()
	a := reordered.Artefacts
	for i, j := 0, len(a)-1; i < j; i, j = i+1, j-1 {
		a[i], a[j] = a[j], a[i]
	}
	for i := range a {
		for x, y := 0, len(a[i].Pins)-1; x < y; x, y = x+1, y-1 {
			a[i].Pins[x], a[i].Pins[y] = a[i].Pins[y], a[i].Pins[x]
		}
	}
	p1 := filepath.Join(t.TempDir(), "x86_64.json")
	p2 := filepath.Join(t.TempDir(), "x86_64.json")
	if err := Write(p1, sample()); err != nil {
		t.Fatal(err)
	}
	if err := Write(p2, reordered); err != nil {
		t.Fatal(err)
	}
	b1, _ := os.ReadFile(p1)
	b2, _ := os.ReadFile(p2)
	if !bytes.Equal(b1, b2) {
		t.Errorf("Write(reordered) differs from Write(sample):\n%s", cmp.Diff(string(b1), string(b2)))
	}
	m, err := Read(p1)
	if err != nil {
		t.Fatalf("Read(Write(sample)) error = %v", err)
	}
	if err := Write(p2, *m); err != nil {
		t.Fatal(err)
	}
	b3, _ := os.ReadFile(p2)
	if !bytes.Equal(b1, b3) {
		t.Errorf("Write(Read(Write(sample))) differs from Write(sample):\n%s", cmp.Diff(string(b1), string(b3)))
	}
}

func TestWriteLeavesFileOnError(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x86_64.json")
	if err := Write(path, sample()); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	bad := sample()
	bad.Artefacts[0].SHA256 = "not-hex"
	err := Write(path, bad)
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("Write(bad sha256) = %v, want ErrInvalid", err)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Errorf("Write(bad sha256) changed %s", path)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != 1 {
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		t.Errorf("directory after failed Write = %v, want only x86_64.json", names)
	}
}

func TestWriteMissingDir(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hashes", "x86_64.json")
	if err := Write(path, sample()); err == nil {
		t.Errorf("Write(%s) = nil, want an error (directory missing)", path)
	}
}

func TestNormalizeDoesNotModifyInput(t *testing.T) {
	m := sample()
	_ = Normalize(m)
	if diff := cmp.Diff(sample(), m); diff != "" {
		t.Errorf("Normalize modified its argument (-want +got):\n%s", diff)
	}
}
