package ospkg

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestPackReproducible(t *testing.T) {
	c := testContents()
	a, b := packed(t, c), packed(t, c)
	if !bytes.Equal(a, b) {
		t.Fatalf("Pack() twice: sha256 %x and %x, want equal", sha256.Sum256(a), sha256.Sum256(b))
	}
	// The time zone of the caller's time must not matter.
	var z bytes.Buffer
	if err := Pack(&z, c, epoch.In(time.FixedZone("X", 5*3600))); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, z.Bytes()) {
		t.Errorf("Pack() in another time zone differs, want equal bytes")
	}
	var later bytes.Buffer
	if err := Pack(&later, c, epoch.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a, later.Bytes()) {
		t.Errorf("Pack() with another time gave equal bytes, want the mtime recorded")
	}
}

func TestPackLayout(t *testing.T) {
	c := testContents()
	b := packed(t, c)
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	type entry struct {
		Name     string
		Method   uint16
		Mode     fs.FileMode
		Modified time.Time
	}
	var got []entry
	for _, f := range zr.File {
		got = append(got, entry{f.Name, f.Method, f.Mode(), f.Modified.UTC()})
	}
	want := []entry{
		{"boot/", zip.Store, fs.ModeDir | 0o755, epoch},
		{"boot/cmdline", zip.Store, 0o644, epoch},
		{"boot/initramfs", zip.Store, 0o644, epoch},
		{"boot/kernel", zip.Store, 0o644, epoch},
		{"manifest.json", zip.Store, 0o644, epoch},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Pack() entries (-want +got):\n%s", diff)
	}

	rc, err := zr.Open("manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	mb, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(mb, &m); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]any{
		"version": 1.0, "label": c.Label, "kernel": "boot/kernel", "initramfs": "boot/initramfs",
		"cmdline": c.Cmdline, "cmdline_file": "boot/cmdline",
	} {
		if m[k] != v {
			t.Errorf("manifest[%q] = %v, want %v", k, m[k], v)
		}
	}
}

func TestPackUnpackRoundTrip(t *testing.T) {
	noInitramfs := testContents()
	noInitramfs.Initramfs = nil
	for _, c := range []Contents{testContents(), noInitramfs, {Kernel: []byte{1}}} {
		got, err := unpack(packed(t, c), MaxUnpackedSize)
		if err != nil {
			t.Fatalf("unpack(Pack(%q)) = %v", c.Label, err)
		}
		if diff := cmp.Diff(&c, got, cmp.Comparer(func(a, b []byte) bool { return bytes.Equal(a, b) })); diff != "" {
			t.Errorf("unpack(Pack(%q)) (-want +got):\n%s", c.Label, diff)
		}
	}
}

func TestPackErrors(t *testing.T) {
	tests := []struct {
		name string
		c    Contents
		t    time.Time
	}{
		{"no kernel", Contents{Cmdline: "x"}, epoch},
		{"NUL in cmdline", Contents{Kernel: []byte{1}, Cmdline: "a\x00b"}, epoch},
		{"newline in label", Contents{Kernel: []byte{1}, Label: "a\nb"}, epoch},
		{"no time", Contents{Kernel: []byte{1}}, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Pack(&b, tt.c, tt.t); err == nil {
				t.Errorf("Pack(%s) = nil, want an error", tt.name)
			}
		})
	}
}

func TestUnpackLimit(t *testing.T) {
	b := packed(t, testContents())
	_, err := unpack(b, 500)
	if !errors.Is(err, ErrFormat) {
		t.Errorf("unpack(limit 500) = %v, want ErrFormat (size limit)", err)
	}
}
