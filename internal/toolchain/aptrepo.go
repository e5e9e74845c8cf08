package toolchain

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"

	"manx/internal/deb"
)

// field is one deb822 field; Value keeps continuation lines ("\n …") as
// they were, so a stanza renders back byte for byte.
type field struct{ Name, Value string }

// stanza is one deb822 paragraph, fields in file order.
type stanza []field

// Get returns the value of the field called name (case-insensitive).
func (s stanza) Get(name string) string {
	for _, f := range s {
		if strings.EqualFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

func (s stanza) write(b *bytes.Buffer) {
	for _, f := range s {
		b.WriteString(f.Name + ": " + f.Value + "\n")
	}
}

// readStanzas calls fn for every paragraph of a deb822 file (a Packages
// index, a control file, a Release file).
func readStanzas(r io.Reader, fn func(stanza) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	var cur stanza
	flush := func() error {
		if len(cur) == 0 {
			return nil
		}
		s := cur
		cur = nil
		return fn(s)
	}
	line := 0
	for sc.Scan() {
		line++
		t := sc.Text()
		switch {
		case strings.TrimSpace(t) == "":
			if err := flush(); err != nil {
				return err
			}
		case t[0] == ' ' || t[0] == '\t':
			if len(cur) == 0 {
				return fmt.Errorf("line %d: continuation line outside a field", line)
			}
			cur[len(cur)-1].Value += "\n" + t
		case t[0] == '#':
		default:
			name, value, ok := strings.Cut(t, ":")
			if !ok || name == "" || strings.ContainsAny(name, " \t") {
				return fmt.Errorf("line %d: %q is not a field", line, t)
			}
			cur = append(cur, field{Name: name, Value: strings.TrimSpace(value)})
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	return flush()
}

// readControl returns the control file of the .deb at file.
func readControl(file string) (stanza, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ar := deb.NewArReader(bufio.NewReader(f))
	for {
		h, err := ar.Next()
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: no control.tar member: %w", file, deb.ErrFormat)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		if !strings.HasPrefix(h.Name, "control.tar") {
			continue
		}
		s, err := controlFromTar(h.Name, ar)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", file, h.Name, err)
		}
		return s, nil
	}
}

func controlFromTar(member string, r io.Reader) (stanza, error) {
	var tr io.Reader
	switch member {
	case "control.tar":
		tr = r
	case "control.tar.xz":
		x, err := xz.NewReader(bufio.NewReader(r))
		if err != nil {
			return nil, err
		}
		tr = x
	case "control.tar.zst":
		z, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1))
		if err != nil {
			return nil, err
		}
		defer z.Close()
		tr = z
	case "control.tar.gz":
		g, err := gzip.NewReader(r)
		if err != nil {
			return nil, err
		}
		defer g.Close()
		tr = g
	default:
		return nil, fmt.Errorf("unsupported control member: %w", deb.ErrFormat)
	}
	t := tar.NewReader(tr)
	for {
		h, err := t.Next()
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("no control file: %w", deb.ErrFormat)
		}
		if err != nil {
			return nil, err
		}
		if strings.TrimPrefix(h.Name, "./") != "control" || h.Typeflag != tar.TypeReg {
			continue
		}
		var out []stanza
		if err := readStanzas(io.LimitReader(t, 1<<20), func(s stanza) error { out = append(out, s); return nil }); err != nil {
			return nil, fmt.Errorf("control: %w", err)
		}
		if len(out) != 1 {
			return nil, fmt.Errorf("control has %d paragraphs, want 1: %w", len(out), deb.ErrFormat)
		}
		return out[0], nil
	}
}

// indexFields are the fields a Packages index adds to a control file.
var indexFields = map[string]bool{"filename": true, "size": true, "md5sum": true, "sha1": true, "sha256": true, "sha512": true, "priority": true}

// packagesStanza is p's Packages-index paragraph: its control file (which
// must name p's package, version and architecture) with the lock's
// Priority, Filename, Size and SHA256.
func packagesStanza(p LockedPackage, control stanza) ([]byte, error) {
	for _, c := range []struct{ name, want string }{{"Package", p.Name}, {"Version", p.Version}, {"Architecture", p.Architecture}} {
		if got := control.Get(c.name); got != c.want {
			return nil, fmt.Errorf("locked package %s: its control file says %s %q, the lock %q", p, c.name, got, c.want)
		}
	}
	var s stanza
	for _, f := range control {
		if f.Name == "Version" { // where the archive puts it
			s = append(s, f, field{"Priority", p.Priority})
			continue
		}
		if !indexFields[strings.ToLower(f.Name)] {
			s = append(s, f)
		}
	}
	s = append(s, field{"Filename", p.Path}, field{"Size", strconv.FormatInt(p.Size, 10)}, field{"SHA256", p.SHA256})
	var b bytes.Buffer
	s.write(&b)
	return b.Bytes(), nil
}

// localRepo writes a file:// apt repository holding exactly the locked
// .debs (debs maps a package name to its verified file) into dir: pool
// symlinks, dists/<suite>/<component>/binary-<arch>/Packages and a Release
// file with its sha256, which debootstrap checks.
func localRepo(dir string, l *Lock, debs map[string]string) error {
	var pk bytes.Buffer
	for _, p := range l.Packages {
		file, ok := debs[p.Name]
		if !ok {
			return fmt.Errorf("locked package %s: no .deb", p)
		}
		control, err := readControl(file)
		if err != nil {
			return fmt.Errorf("locked package %s: %w", p, err)
		}
		st, err := packagesStanza(p, control)
		if err != nil {
			return err
		}
		pk.Write(st)
		pk.WriteByte('\n') // every paragraph ends with a blank line (debootstrap needs the last one)
		dst := filepath.Join(dir, filepath.FromSlash(p.Path))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.Symlink(file, dst); err != nil {
			return fmt.Errorf("locked package %s: %w", p, err)
		}
	}
	rel := filepath.Join("dists", l.Suite)
	index := l.Component + "/binary-" + l.Architecture + "/Packages"
	if err := writeFile(filepath.Join(dir, rel, filepath.FromSlash(index)), pk.Bytes()); err != nil {
		return err
	}
	return writeFile(filepath.Join(dir, rel, "Release"), releaseFile(l, index, pk.Bytes()))
}

// releaseFile is the suite's Release file listing one index.
func releaseFile(l *Lock, index string, data []byte) []byte {
	sum := sha256.Sum256(data)
	return fmt.Appendf(nil, "Origin: Manx\nLabel: Manx toolchain lock\nSuite: %s\nCodename: %s\nArchitectures: %s\nComponents: %s\n"+
		"Description: the .debs of %s (lock sha256 %s)\nSHA256:\n %s %d %s\n",
		l.Suite, l.Suite, l.Architecture, l.Component, LockFile, l.Digest(), hex.EncodeToString(sum[:]), len(data), index)
}

func writeFile(name string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	return os.WriteFile(name, b, 0o644)
}
