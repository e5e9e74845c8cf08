package stage

import (
	"os"
	"path/filepath"
	"testing"
)

func TestKeyStableAndSensitive(t *testing.T) {
	a := NewKey("k").String("x", "1").Sum()
	b := NewKey("k").String("x", "1").Sum()
	if a != b {
		t.Fatalf("Key not deterministic: %s != %s", a, b)
	}
	for name, other := range map[string]string{
		"value":  NewKey("k").String("x", "2").Sum(),
		"name":   NewKey("k").String("y", "1").Sum(),
		"stage":  NewKey("j").String("x", "1").Sum(),
		"concat": NewKey("k").String("x", "1").String("", "").Sum(),
	} {
		if other == a {
			t.Errorf("changing the %s did not change the key", name)
		}
	}
}

func TestFreshDone(t *testing.T) {
	d := t.TempDir()
	if Fresh(d, "k1") {
		t.Fatal("Fresh() on an empty dir = true")
	}
	os.WriteFile(filepath.Join(d, "out"), []byte("x"), 0o644)
	if err := Done(d, "k1"); err != nil {
		t.Fatal(err)
	}
	if !Fresh(d, "k1", "out") {
		t.Error("Fresh(k1) after Done(k1) = false")
	}
	if Fresh(d, "k2", "out") {
		t.Error("Fresh(k2) after Done(k1) = true")
	}
	if Fresh(d, "k1", "missing") {
		t.Error("Fresh() with a missing output = true")
	}
	Invalidate(d)
	if Fresh(d, "k1") {
		t.Error("Fresh() after Invalidate = true")
	}
}

// TestWriteFileAtomicCreatesDir: the wrappers make the directory that
// manx/internal/atomicfile expects to exist.
func TestWriteFileAtomicCreatesDir(t *testing.T) {
	d := filepath.Join(t.TempDir(), "sub")
	p := filepath.Join(d, "f")
	if err := WriteFileAtomic(p, []byte("data"), 0o600); err != nil {
		t.Fatal(err)
	}
	q := filepath.Join(d, "more", "g")
	if err := CopyFileAtomic(p, q, 0o644); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]os.FileMode{p: 0o600, q: 0o644} {
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != want {
			t.Errorf("%s mode = %v, want %v", path, st.Mode().Perm(), want)
		}
		if b, _ := os.ReadFile(path); string(b) != "data" {
			t.Errorf("%s = %q, want \"data\"", path, b)
		}
	}
	ents, _ := os.ReadDir(d)
	if len(ents) != 2 {
		t.Errorf("dir has %d entries, want 2 (f and more/; no temp files)", len(ents))
	}
}
