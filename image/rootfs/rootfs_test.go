package rootfs

import (
	"bytes"
	"compress/gzip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/u-root/mkuimage/cpio"

	"manx/internal/testutil"
	"manx/internal/toolchain"
)

// testInitramfs is a small gzip-compressed newc archive like Manx's.
func testInitramfs(t *testing.T) []byte {
	t.Helper()
	var raw bytes.Buffer
	w := cpio.Newc.Writer(&raw)
	recs := []cpio.Record{
		cpio.Directory("bin", 0o755),
		cpio.Directory("dev", 0o755),
		cpio.Directory("tmp", 0o1777),
		cpio.CharDev("dev/console", 0o600, 5, 1),
		cpio.StaticFile("bin/init", "#!/bin/sh\necho init\n", 0o755),
		cpio.StaticFile("etc/os-release", "ID=manx\n", 0o644),
		cpio.Symlink("init", "bin/init"),
	}
	if err := cpio.WriteRecordsAndDirs(w, recs); err != nil {
		t.Fatal(err)
	}
	if err := cpio.WriteTrailer(w); err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(raw.Bytes())
	zw.Close()
	return gz.Bytes()
}

// TestTree: files, modes and links as archived; no device nodes.
func TestTree(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "tree")
	if _, err := Tree(bytes.NewReader(testInitramfs(t)), dir); err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		path string
		mode os.FileMode
	}{
		{"bin", os.ModeDir | 0o755},
		{"tmp", os.ModeDir | os.ModeSticky | 0o777},
		{"bin/init", 0o755},
		{"etc/os-release", 0o644},
		{"dev", os.ModeDir | 0o755},
	}
	for _, c := range checks {
		fi, err := os.Lstat(filepath.Join(dir, c.path))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode() != c.mode {
			t.Errorf("%s: mode %v, want %v", c.path, fi.Mode(), c.mode)
		}
	}
	if target, err := os.Readlink(filepath.Join(dir, "init")); err != nil || target != "bin/init" {
		t.Errorf("init -> %q, %v; want bin/init", target, err)
	}
	if _, err := os.Lstat(filepath.Join(dir, "dev/console")); !os.IsNotExist(err) {
		t.Errorf("dev/console in the tree (%v): device nodes belong to devtmpfs", err)
	}
}

// TestErofsReproducible: the same initramfs gives the same erofs image,
// built twice, and fsck.erofs (erofs-utils, the oracle) extracts the files.
func TestErofsReproducible(t *testing.T) {
	for _, tool := range []string{"mkfs.erofs", "fsck.erofs"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s not installed (go run mage.go setup installs erofs-utils): the oracle is required", tool)
		}
	}
	tc, err := toolchain.New("host", toolchain.Options{Log: testutil.Discard()})
	if err != nil {
		t.Fatal(err)
	}
	ird := testInitramfs(t)
	epoch := time.Unix(1700000000, 0)
	var images [][]byte
	for i := range 2 {
		work := t.TempDir()
		if i == 1 {
			// Another umask (verify rebuilds with 027) must not matter.
			old := syscall.Umask(0o027)
			defer syscall.Umask(old)
		}
		if _, err := Tree(bytes.NewReader(ird), filepath.Join(work, "tree")); err != nil {
			t.Fatal(err)
		}
		if err := AddFile(filepath.Join(work, "tree"), "etc/manx/image-version", []byte("2\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if i == 1 {
			// Another mtime on the host must not matter.
			os.Chtimes(filepath.Join(work, "tree/bin/init"), time.Now(), time.Now())
		}
		out, err := Erofs(t.Context(), tc, work, TreeUUID(ird), epoch, testutil.LogWriter(t))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if len(b)%4096 != 0 {
			t.Errorf("image of %d bytes, not 4 KiB blocks", len(b))
		}
		images = append(images, b)
		if i == 0 {
			x := filepath.Join(t.TempDir(), "x")
			if o, err := exec.Command("fsck.erofs", "--extract="+x, out).CombinedOutput(); err != nil {
				t.Fatalf("fsck.erofs: %v\n%s", err, o)
			}
			got, err := os.ReadFile(filepath.Join(x, "bin/init"))
			if err != nil || !strings.Contains(string(got), "echo init") {
				t.Errorf("extracted bin/init = %q, %v", got, err)
			}
		}
	}
	if !bytes.Equal(images[0], images[1]) {
		t.Error("two erofs images of the same initramfs differ")
	}
}

func TestTreeUUID(t *testing.T) {
	u := TreeUUID([]byte("x"))
	if len(u) != 36 || u[14] != '4' || !strings.ContainsRune("89ab", rune(u[19])) {
		t.Errorf("TreeUUID = %s, want a version-4 UUID", u)
	}
	if TreeUUID([]byte("y")) == u {
		t.Error("different inputs, same UUID")
	}
}

func TestAddFile(t *testing.T) {
	dir := t.TempDir()
	if err := AddFile(dir, "etc/manx/update/roots.pem", []byte("pem"), 0o644); err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]os.FileMode{"etc": os.ModeDir | 0o755, "etc/manx/update": os.ModeDir | 0o755, "etc/manx/update/roots.pem": 0o644} {
		fi, err := os.Stat(filepath.Join(dir, p))
		if err != nil || fi.Mode() != want {
			t.Errorf("%s: %v, %v; want mode %v", p, fi.Mode(), err, want)
		}
	}
	if err := AddFile(dir, "../x", nil, 0o644); err == nil {
		t.Error("AddFile(../x) = nil error")
	}
}
