package initramfs

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/u-root/mkuimage/cpio"
)

func sampleEntries(t *testing.T) []entry {
	t.Helper()
	es, err := normalize([]entry{
		{info: cpio.Info{Name: "bin/init", Mode: cpio.S_IFREG | 0o755, FileSize: 5}, data: []byte("init!")},
		{info: cpio.Symlink("init", "bin/init").Info, data: []byte("bin/init")},
		{info: cpio.CharDev("dev/console", 0o600, 5, 1).Info},
	}, explicit{"dev/console": true}, time.Unix(1700000000, 0))
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// readArchive decompresses and parses an archive written by writeGzip.
func readArchive(t *testing.T, b []byte) []entry {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	rr := cpio.EOFReader{RecordReader: cpio.Newc.Reader(bytes.NewReader(raw))}
	var out []entry
	for {
		r, err := rr.ReadRecord()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		e, err := readRecord(r)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
}

func TestWriteGzip(t *testing.T) {
	es := sampleEntries(t)
	var a, b bytes.Buffer
	if err := writeGzip(&a, es); err != nil {
		t.Fatal(err)
	}
	if err := writeGzip(&b, es); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Errorf("writeGzip twice: outputs differ")
	}
	// ID1 ID2 CM=deflate FLG=0 (no name, comment or extra) MTIME=0 XFL=2 (best) OS=255.
	if got, want := a.Bytes()[:10], []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 0xff}; !bytes.Equal(got, want) {
		t.Errorf("gzip header = % x, want % x", got, want)
	}
	got := readArchive(t, a.Bytes())
	if diff := cmp.Diff(infos(es), infos(got)); diff != "" {
		t.Errorf("read back mismatch (-want +got):\n%s", diff)
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "sub", "initramfs.cpio.gz")
	if err := writeFileAtomic(out, func(w io.Writer) error { _, err := io.WriteString(w, "one"); return err }); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := writeFileAtomic(out, func(w io.Writer) error { io.WriteString(w, "half"); return boom })
	if !errors.Is(err, boom) {
		t.Fatalf("writeFileAtomic(failing) = %v, want %v", err, boom)
	}
	b, err := os.ReadFile(out)
	if err != nil || string(b) != "one" {
		t.Errorf("after a failed write, %s = %q, %v, want \"one\"", out, b, err)
	}
	ents, _ := os.ReadDir(filepath.Dir(out))
	if len(ents) != 1 {
		t.Errorf("directory has %d entries, want 1 (no temporary files left)", len(ents))
	}
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("output mode = %v, %v, want 0644", fi.Mode(), err)
	}
}

// listing renders entries one a line for the golden file: name, type and
// permissions, symlink target or device numbers. Sizes are left out: they
// change with the Go version.
func listing(es []entry) string {
	var b bytes.Buffer
	for _, e := range es {
		fmt.Fprintf(&b, "%-24s %06o", e.info.Name, e.info.Mode)
		switch e.info.Mode & cpio.S_IFMT {
		case cpio.S_IFLNK:
			fmt.Fprintf(&b, " -> %s", e.data)
		case cpio.S_IFCHR, cpio.S_IFBLK:
			fmt.Fprintf(&b, " %d:%d", e.info.Rmajor, e.info.Rminor)
		}
		b.WriteByte('\n')
	}
	return b.String()
}
