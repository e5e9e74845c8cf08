package deb

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

type tarEntry struct {
	name string
	typ  byte
	data string
}

func makeTar(t testing.TB, entries ...tarEntry) []byte {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Typeflag: e.typ, Mode: 0o644, Size: int64(len(e.data))}
		if e.typ != tar.TypeReg {
			h.Size = 0
			h.Linkname = "target"
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if e.typ == tar.TypeReg {
			if _, err := io.WriteString(tw, e.data); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func compress(t testing.TB, kind string, in []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	var w io.WriteCloser
	var err error
	switch kind {
	case "":
		return in
	case ".xz":
		w, err = xz.NewWriter(&b)
	case ".zst":
		w, err = zstd.NewWriter(&b)
	case ".gz":
		w = gzip.NewWriter(&b)
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(in); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func makeDeb(t testing.TB, kind string, entries ...tarEntry) []byte {
	t.Helper()
	return makeAr(
		arMember{"debian-binary", []byte("2.0\n")},
		arMember{"control.tar.xz", compress(t, ".xz", makeTar(t, tarEntry{"./control", tar.TypeReg, "Package: x\n"}))},
		arMember{"data.tar" + kind, compress(t, kind, makeTar(t, entries...))},
	)
}

func TestExtract(t *testing.T) {
	files := []tarEntry{
		{"./", tar.TypeDir, ""},
		{"./usr/lib/a.efi", tar.TypeReg, "stub bytes"},
		{"./usr/share/doc/x", tar.TypeReg, "odd"},
		{"./usr/lib/link", tar.TypeSymlink, ""},
	}
	for _, kind := range []string{"", ".xz", ".zst", ".gz"} {
		t.Run("data.tar"+kind, func(t *testing.T) {
			in := makeDeb(t, kind, files...)
			got, err := Extract(bytes.NewReader(in), "usr/lib/a.efi", "/usr/share/doc/x")
			if err != nil {
				t.Fatalf("Extract() = %v", err)
			}
			want := map[string][]byte{"usr/lib/a.efi": []byte("stub bytes"), "/usr/share/doc/x": []byte("odd")}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Extract() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestExtractErrors(t *testing.T) {
	files := []tarEntry{{"./usr/lib/a.efi", tar.TypeReg, "x"}, {"./usr/lib/link", tar.TypeSymlink, ""}}
	good := makeDeb(t, ".xz", files...)
	tests := []struct {
		name    string
		in      []byte
		names   []string
		wantErr error // nil: any error
	}{
		{"missing file", good, []string{"usr/lib/a.efi", "usr/lib/none"}, ErrNotFound},
		{"symlink", good, []string{"usr/lib/link"}, nil},
		{"no names", good, nil, nil},
		{"same file twice", good, []string{"usr/lib/a.efi", "./usr/lib/a.efi"}, nil},
		{"not ar", []byte("hello world"), []string{"x"}, ErrFormat},
		{"no debian-binary", makeAr(arMember{"data.tar", makeTar(t, files...)}), []string{"usr/lib/a.efi"}, ErrFormat},
		{"format 3", makeAr(arMember{"debian-binary", []byte("3.0\n")}), []string{"x"}, ErrFormat},
		{"no data member", makeAr(arMember{"debian-binary", []byte("2.0\n")}), []string{"x"}, ErrFormat},
		{"unknown compression", makeAr(arMember{"debian-binary", []byte("2.0\n")}, arMember{"data.tar.lzma", []byte("x")}), []string{"x"}, ErrFormat},
		{"corrupt xz", makeAr(arMember{"debian-binary", []byte("2.0\n")}, arMember{"data.tar.xz", []byte("not xz")}), []string{"x"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Extract(bytes.NewReader(tt.in), tt.names...)
			if err == nil || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) {
				t.Errorf("Extract(%q) = %v, want error %v", tt.names, err, tt.wantErr)
			}
		})
	}
}

func FuzzExtract(f *testing.F) {
	for _, kind := range []string{"", ".gz"} {
		f.Add(makeDeb(f, kind, tarEntry{"./usr/lib/a.efi", tar.TypeReg, "x"}))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		got, err := Extract(bytes.NewReader(in), "usr/lib/a.efi")
		if err == nil && got["usr/lib/a.efi"] == nil {
			t.Fatalf("Extract() = %v, nil error but no content", got)
		}
	})
}
