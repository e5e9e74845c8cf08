package varstore

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestWriteAll(t *testing.T) {
	dir := t.TempDir()
	c := throwAway(t)
	paths, err := WriteAll(dir, c, testEpoch)
	if err != nil {
		t.Fatalf("WriteAll() error = %v", err)
	}
	var names []string
	for _, p := range paths {
		names = append(names, filepath.Base(p))
	}
	want := []string{"OVMF_VARS_BLANK.fd", "OVMF_VARS_BLANK.json", "OVMF_VARS_MS.fd", "OVMF_VARS_MS.json", "OVMF_VARS_CUSTOM.fd", "OVMF_VARS_CUSTOM.json"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("WriteAll() paths mismatch (-want +got):\n%s", diff)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(want) {
		t.Errorf("directory holds %d entries, want %d (no temporary files left)", len(entries), len(want))
	}
	for i, p := range paths {
		k, f := Kinds[i/2], []Form{Raw, JSON}[i%2]
		got, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var w bytes.Buffer
		if err := mustNew(t, k, c).Write(&w, f); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, w.Bytes()) {
			t.Errorf("%s differs from Store.Write", names[i])
		}
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o644 {
			t.Errorf("%s mode = %v, want 0644", names[i], fi.Mode().Perm())
		}
	}
	if _, err := WriteAll(dir, Certs{}, testEpoch); err == nil {
		t.Errorf("WriteAll(no certificates) error = nil, want an error")
	}
}

// TestWriteFileFailure: WriteFile writes nothing for a store it cannot
// serialise or a directory that is not there (manx/internal/atomicfile
// tests what a failed write leaves).
func TestWriteFileFailure(t *testing.T) {
	dir := t.TempDir()
	// An invalid store is refused before anything is written.
	bad := &Store{Variables: []Variable{{Name: "", GUID: ManxOwnerGUID, Attributes: 7}}}
	if err := bad.WriteFile(filepath.Join(dir, "x.fd"), Raw); !errors.Is(err, ErrInvalid) {
		t.Errorf("WriteFile(invalid) error = %v, want ErrInvalid", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "x.fd")); !os.IsNotExist(err) {
		t.Errorf("WriteFile(invalid) left x.fd behind: %v", err)
	}
	if err := (&Store{}).WriteFile(filepath.Join(dir, "missing", "x.fd"), Raw); err == nil {
		t.Errorf("WriteFile(into a missing directory) error = nil")
	}
}
