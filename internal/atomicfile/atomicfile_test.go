package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var (
	errBoom = errors.New("boom")
	errAny  = errors.New("any error") // in a test table: which error does not matter
)

// listing describes every entry of dir as name -> "mode contents" (or
// "-> target" for a symbolic link), so a test sees stray temporary files.
func listing(t *testing.T, dir string) map[string]string {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range ents {
		p := filepath.Join(dir, e.Name())
		if e.Type()&fs.ModeSymlink != 0 {
			target, err := os.Readlink(p)
			if err != nil {
				t.Fatal(err)
			}
			out[e.Name()] = "-> " + target
			continue
		}
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.IsDir() {
			out[e.Name()] = "directory"
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = fmt.Sprintf("%v %s", fi.Mode().Perm(), b)
	}
	return out
}

func TestWriters(t *testing.T) {
	// Permissions must not depend on the umask.
	old := syscall.Umask(0o027)
	t.Cleanup(func() { syscall.Umask(old) })

	writeHalf := func(w io.Writer) error {
		if _, err := io.WriteString(w, "half"); err != nil {
			return err
		}
		return errBoom
	}
	tests := []struct {
		name  string
		setup map[string]string // file -> contents, written 0644 before op
		link  string            // if set, f is a symbolic link to it
		isDir bool              // f is a directory
		op    func(dir string) error
		is    error // nil: op must succeed
		want  map[string]string
	}{
		{
			name: "Write new",
			op:   func(d string) error { return Write(filepath.Join(d, "f"), []byte("new"), 0o644) },
			want: map[string]string{"f": "-rw-r--r-- new"},
		},
		{
			name:  "Write replaces",
			setup: map[string]string{"f": "old"},
			op:    func(d string) error { return Write(filepath.Join(d, "f"), []byte("new"), 0o600) },
			want:  map[string]string{"f": "-rw------- new"},
		},
		{
			name: "Write executable under umask 027",
			op:   func(d string) error { return Write(filepath.Join(d, "f"), []byte("#!"), 0o755) },
			want: map[string]string{"f": "-rwxr-xr-x #!"},
		},
		{
			name: "Write empty",
			op:   func(d string) error { return Write(filepath.Join(d, "f"), nil, 0o644) },
			want: map[string]string{"f": "-rw-r--r-- "},
		},
		{
			name: "Write into a missing directory",
			op:   func(d string) error { return Write(filepath.Join(d, "missing", "f"), []byte("new"), 0o644) },
			is:   fs.ErrNotExist,
			want: map[string]string{},
		},
		{
			name:  "Write over a directory fails at the rename",
			isDir: true,
			op:    func(d string) error { return Write(filepath.Join(d, "f"), []byte("new"), 0o644) },
			is:    errAny, // EISDIR, or EEXIST on some file systems
			want:  map[string]string{"f": "directory"},
		},
		{
			name: "WriteFunc streams",
			op: func(d string) error {
				return WriteFunc(filepath.Join(d, "f"), 0o644, func(w io.Writer) error {
					for _, s := range []string{"a", "b", "c"} {
						if _, err := io.WriteString(w, s); err != nil {
							return err
						}
					}
					return nil
				})
			},
			want: map[string]string{"f": "-rw-r--r-- abc"},
		},
		{
			name:  "WriteFunc error keeps the old file",
			setup: map[string]string{"f": "old"},
			op:    func(d string) error { return WriteFunc(filepath.Join(d, "f"), 0o600, writeHalf) },
			is:    errBoom,
			want:  map[string]string{"f": "-rw-r--r-- old"},
		},
		{
			name: "WriteFunc error leaves nothing",
			op:   func(d string) error { return WriteFunc(filepath.Join(d, "f"), 0o644, writeHalf) },
			is:   errBoom,
			want: map[string]string{},
		},
		{
			name:  "Copy",
			setup: map[string]string{"src": "contents"},
			op:    func(d string) error { return Copy(filepath.Join(d, "src"), filepath.Join(d, "dst"), 0o600) },
			want:  map[string]string{"src": "-rw-r--r-- contents", "dst": "-rw------- contents"},
		},
		{
			name:  "Copy replaces",
			setup: map[string]string{"src": "new", "dst": "old"},
			op:    func(d string) error { return Copy(filepath.Join(d, "src"), filepath.Join(d, "dst"), 0o644) },
			want:  map[string]string{"src": "-rw-r--r-- new", "dst": "-rw-r--r-- new"},
		},
		{
			name:  "Copy from a missing file keeps the old file",
			setup: map[string]string{"dst": "old"},
			op:    func(d string) error { return Copy(filepath.Join(d, "src"), filepath.Join(d, "dst"), 0o644) },
			is:    fs.ErrNotExist,
			want:  map[string]string{"dst": "-rw-r--r-- old"},
		},
		{
			name: "WriteNew",
			op:   func(d string) error { return WriteNew(filepath.Join(d, "f"), []byte("key"), 0o600) },
			want: map[string]string{"f": "-rw------- key"},
		},
		{
			name:  "WriteNew refuses an existing file",
			setup: map[string]string{"f": "old"},
			op:    func(d string) error { return WriteNew(filepath.Join(d, "f"), []byte("key"), 0o600) },
			is:    fs.ErrExist,
			want:  map[string]string{"f": "-rw-r--r-- old"},
		},
		{
			name: "WriteNew refuses a dangling symbolic link",
			link: "elsewhere",
			op:   func(d string) error { return WriteNew(filepath.Join(d, "f"), []byte("key"), 0o600) },
			is:   fs.ErrExist,
			want: map[string]string{"f": "-> elsewhere"},
		},
		{
			name: "WriteNew into a missing directory",
			op:   func(d string) error { return WriteNew(filepath.Join(d, "missing", "f"), []byte("key"), 0o600) },
			is:   fs.ErrNotExist,
			want: map[string]string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, s := range tt.setup {
				p := filepath.Join(dir, name)
				if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(p, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if tt.link != "" {
				if err := os.Symlink(tt.link, filepath.Join(dir, "f")); err != nil {
					t.Fatal(err)
				}
			}
			if tt.isDir {
				if err := os.Mkdir(filepath.Join(dir, "f"), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			err := tt.op(dir)
			switch {
			case tt.is == nil && err != nil:
				t.Fatalf("error = %v, want nil", err)
			case tt.is == errAny && err == nil:
				t.Fatal("error = nil, want one")
			case tt.is != nil && tt.is != errAny && !errors.Is(err, tt.is):
				t.Fatalf("error = %v, want one matching %v", err, tt.is)
			}
			if diff := cmp.Diff(tt.want, listing(t, dir)); diff != "" {
				t.Errorf("directory after the write (-want +got):\n%s", diff)
			}
		})
	}
}

// TestErrorNamesPath: errors say which file could not be written.
func TestErrorNamesPath(t *testing.T) {
	p := filepath.Join(t.TempDir(), "f")
	err := WriteFunc(p, 0o644, func(io.Writer) error { return errBoom })
	if want := "writing " + p + ": boom"; err == nil || err.Error() != want {
		t.Errorf("WriteFunc() error = %v, want %q", err, want)
	}
}
