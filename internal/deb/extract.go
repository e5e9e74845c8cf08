package deb

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

// ErrNotFound reports that a requested file is not in the package's data.tar.
var ErrNotFound = errors.New("file not found in package")

// Extract reads the .deb from r and returns the contents of the named files of its
// data.tar, keyed by the name as given. Names are paths inside the package without a
// leading "./" or "/" (for example "usr/lib/systemd/boot/efi/linuxx64.efi.stub"). Every
// name must be a regular file; a missing name is an error wrapping ErrNotFound.
func Extract(r io.Reader, names ...string) (map[string][]byte, error) {
	if len(names) == 0 {
		return nil, errors.New("extracting from .deb: no file names given")
	}
	want := make(map[string]string, len(names)) // normalised -> as given
	for _, n := range names {
		c := cleanName(n)
		if c == "" {
			return nil, fmt.Errorf("extracting from .deb: invalid file name %q", n)
		}
		if prev, dup := want[c]; dup {
			return nil, fmt.Errorf("extracting from .deb: %q and %q name the same file", prev, n)
		}
		want[c] = n
	}

	ar := NewArReader(r)
	first := true
	for {
		hdr, err := ar.Next()
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("extracting from .deb: no data.tar member: %w", ErrFormat)
		}
		if err != nil {
			return nil, fmt.Errorf("extracting from .deb: %w", err)
		}
		if first {
			if err := checkDebianBinary(hdr, ar); err != nil {
				return nil, fmt.Errorf("extracting from .deb: %w", err)
			}
			first = false
			continue
		}
		if !strings.HasPrefix(hdr.Name, "data.tar") {
			continue
		}
		out, err := extractData(hdr.Name, ar, want)
		if err != nil {
			return nil, fmt.Errorf("extracting from .deb %s: %w", hdr.Name, err)
		}
		return out, nil
	}
}

// checkDebianBinary requires the first member to be debian-binary with format 2.x,
// as dpkg-deb does.
func checkDebianBinary(hdr *ArHeader, r io.Reader) error {
	if hdr.Name != "debian-binary" {
		return fmt.Errorf("first member is %q, want debian-binary: %w", hdr.Name, ErrFormat)
	}
	if hdr.Size > 64 {
		return fmt.Errorf("debian-binary is %d bytes: %w", hdr.Size, ErrFormat)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("reading debian-binary: %w", err)
	}
	if !strings.HasPrefix(string(b), "2.") {
		return fmt.Errorf("unsupported package format %q: %w", strings.TrimSpace(string(b)), ErrFormat)
	}
	return nil
}

// decompressor returns a reader for the data.tar member called name and a function that
// releases it.
func decompressor(name string, r io.Reader) (io.Reader, func(), error) {
	switch name {
	case "data.tar":
		return r, func() {}, nil
	case "data.tar.xz":
		x, err := xz.NewReader(bufio.NewReader(r))
		if err != nil {
			return nil, nil, fmt.Errorf("opening xz stream: %w", err)
		}
		return x, func() {}, nil
	case "data.tar.zst":
		z, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1))
		if err != nil {
			return nil, nil, fmt.Errorf("opening zstd stream: %w", err)
		}
		return z, z.Close, nil
	case "data.tar.gz":
		g, err := gzip.NewReader(r)
		if err != nil {
			return nil, nil, fmt.Errorf("opening gzip stream: %w", err)
		}
		return g, func() { _ = g.Close() }, nil
	default:
		return nil, nil, fmt.Errorf("unsupported data member %q: %w", name, ErrFormat)
	}
}

func extractData(member string, r io.Reader, want map[string]string) (map[string][]byte, error) {
	dr, release, err := decompressor(member, r)
	if err != nil {
		return nil, err
	}
	defer release()

	out := make(map[string][]byte, len(want))
	tr := tar.NewReader(dr)
	for len(out) < len(want) {
		th, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("reading tar: %w", err)
		}
		given, ok := want[cleanName(th.Name)]
		if !ok {
			continue
		}
		if _, dup := out[given]; dup {
			return nil, fmt.Errorf("%s appears twice: %w", given, ErrFormat)
		}
		if th.Typeflag != tar.TypeReg {
			return nil, fmt.Errorf("%s is not a regular file (tar type %q)", given, th.Typeflag)
		}
		if th.Size < 0 || th.Size > maxMemberSize {
			return nil, fmt.Errorf("%s has size %d: %w", given, th.Size, ErrFormat)
		}
		b, err := io.ReadAll(tr)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", given, err)
		}
		out[given] = b
	}
	if len(out) < len(want) {
		var missing []string
		for _, given := range want {
			if _, ok := out[given]; !ok {
				missing = append(missing, given)
			}
		}
		slices.Sort(missing)
		return nil, fmt.Errorf("%s: %w", strings.Join(missing, ", "), ErrNotFound)
	}
	return out, nil
}

// cleanName normalises a path inside a package: no leading "./" or "/", no "." or ".."
// elements. It returns "" for names that do not denote a file.
func cleanName(n string) string {
	c := path.Clean("/" + n)
	c = strings.TrimPrefix(c, "/")
	if c == "" || c == "." {
		return ""
	}
	return c
}
