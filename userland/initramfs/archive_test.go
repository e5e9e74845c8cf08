package initramfs

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
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
