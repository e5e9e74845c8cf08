package manifest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"manx/internal/pins"
)

func testPins(t *testing.T) *pins.List {
	t.Helper()
	l, err := pins.Load(filepath.Join("..", "..", pins.File))
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestCollect(t *testing.T) {
	build := t.TempDir()
	for rel, data := range map[string]string{"kernel/bzImage": "kernel", "varstore/OVMF_VARS_CUSTOM.fd": "custom"} {
		p := filepath.Join(build, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pl := testPins(t)
	linux, err := pl.Get("linux")
	if err != nil {
		t.Fatal(err)
	}
	src := Sources{Pins: pl, Keys: map[string]string{KeyPK: sum("pk"), KeyKEK: sum("kek"), KeyDB: sum("db")}}
	specs := []Spec{
		{Name: "kernel", Path: "kernel/bzImage", Pins: []string{"linux"}},
		{Name: "varstore-custom-fd", Path: "varstore/OVMF_VARS_CUSTOM.fd", Keys: []string{KeyPK, KeyDB}},
	}
	got, err := Collect(build, specs, src)
	if err != nil {
		t.Fatalf("Collect() error = %v", err)
	}
	want := []Entry{
		{Name: "kernel", Path: "kernel/bzImage", SHA256: sum("kernel"), Size: 6, Pins: []Input{{Name: "linux", SHA256: linux.SHA256}}},
		{Name: "varstore-custom-fd", Path: "varstore/OVMF_VARS_CUSTOM.fd", SHA256: sum("custom"), Size: 6, Pins: []Input{},
			Keys: []Input{{Name: KeyPK, SHA256: sum("pk")}, {Name: KeyDB, SHA256: sum("db")}}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Collect() (-want +got):\n%s", diff)
	}

	errs := []struct {
		name string
		spec Spec
		want string
	}{
		{"missing file", Spec{Name: "uki", Path: "uki/manx.efi"}, "artefact uki: open"},
		{"unknown pin", Spec{Name: "kernel", Path: "kernel/bzImage", Pins: []string{"linux-7"}}, `artefact kernel: no pin named "linux-7"`},
		{"unknown key", Spec{Name: "kernel", Path: "kernel/bzImage", Keys: []string{"mok"}}, `artefact kernel: no sha256 for key "mok"`},
	}
	for _, tt := range errs {
		_, err := Collect(build, []Spec{tt.spec}, src)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Collect(%s) = %v, want an error containing %q", tt.name, err, tt.want)
		}
	}
}

// TestCollectSkipMissing: a partial rebuild's absent files are left out
// (and then reported MISSING), the present ones still hashed.
func TestCollectSkipMissing(t *testing.T) {
	build := t.TempDir()
	if err := os.MkdirAll(filepath.Join(build, "kernel"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(build, "kernel", "bzImage"), []byte("kernel"), 0o644); err != nil {
		t.Fatal(err)
	}
	specs := []Spec{{Name: "kernel", Path: "kernel/bzImage"}, {Name: "uki", Path: "uki/manx.efi"}}
	got, err := Collect(build, specs, Sources{SkipMissing: true})
	if err != nil {
		t.Fatalf("Collect(SkipMissing) = %v", err)
	}
	if len(got) != 1 || got[0].Name != "kernel" {
		t.Fatalf("Collect(SkipMissing) = %+v, want only the kernel", got)
	}
	pub := Manifest{Arch: "x86_64", Version: "dev", Toolchain: "host", Artefacts: []Entry{got[0],
		{Name: "uki", Path: "uki/manx.efi", SHA256: sum("uki"), Pins: []Input{}}}}
	built := Manifest{Arch: "x86_64", Version: "dev", Toolchain: "host", Artefacts: got}
	if n := Failed(Compare(&pub, &built)); n != 1 {
		t.Errorf("Failed(Compare(partial rebuild)) = %d, want 1 (uki MISSING)", n)
	}
}
