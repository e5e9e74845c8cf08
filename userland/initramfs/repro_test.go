//go:build repro

package initramfs

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"manx/internal/testutil"
)

// TestReproducible copies the module to two directories of different path
// lengths and builds the initramfs in each, the second with a fresh
// GOCACHE and its own TMPDIR, and requires byte-identical archives. It
// takes several minutes: go test -tags repro -run TestReproducible -timeout 30m.
func TestReproducible(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	base := t.TempDir()
	var sums [2][32]byte
	var archives [2][]byte
	for i, dir := range []string{filepath.Join(base, "a"), filepath.Join(base, "second", "checkout", "of", "manx")} {
		if err := copyModule(root, dir); err != nil {
			t.Fatal(err)
		}
		work := filepath.Join(base, "work"+strings.Repeat("x", i))
		if err := os.MkdirAll(work, 0o755); err != nil {
			t.Fatal(err)
		}
		if i == 1 {
			t.Setenv("GOCACHE", filepath.Join(base, "gocache"))
			t.Setenv("TMPDIR", work)
		}
		out := filepath.Join(base, "out", string(rune('a'+i)), "initramfs.cpio.gz")
		start := time.Now()
		err := Build(context.Background(), Options{
			Out: out, Root: dir, Version: "grepro", Epoch: time.Unix(1700000000, 0), WorkDir: work,
			Commands: nil, Logger: testutil.Logger(t),
			Files: map[string]File{"etc/manx/x": {Data: []byte("x"), Mode: 0o644}},
		})
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		archives[i], sums[i] = b, sha256.Sum256(b)
		t.Logf("Build %d from %s: %d bytes, sha256 %x, %v", i, dir, len(b), sums[i], time.Since(start).Round(time.Second))
	}
	if sums[0] != sums[1] {
		a, b := readArchive(t, archives[0]), readArchive(t, archives[1])
		for j := range min(len(a), len(b)) {
			if a[j].info != b[j].info || !bytes.Equal(a[j].data, b[j].data) {
				t.Errorf("first difference at %s", a[j].info.Name)
				break
			}
		}
		t.Fatalf("initramfs differs between checkouts: %x vs %x", sums[0], sums[1])
	}
}

// copyModule copies the files git tracks or would track (go.mod, go.sum and
// sources; not build/) from src to dst.
func copyModule(src, dst string) error {
	out, err := exec.Command("git", "-C", src, "ls-files", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		return err
	}
	for _, rel := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if rel == "" || strings.HasPrefix(rel, "build/") {
			continue
		}
		fi, err := os.Lstat(filepath.Join(src, rel))
		if err != nil || !fi.Mode().IsRegular() {
			continue // deleted in the work tree, or not a file
		}
		b, err := os.ReadFile(filepath.Join(src, rel))
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dst, rel)), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dst, rel), b, fs.FileMode(0o644)); err != nil {
			return err
		}
	}
	return nil
}
