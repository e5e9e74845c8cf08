package ospkg

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
)

// MaxUnpackedSize bounds the total uncompressed size of an OS package's
// files, so a (signed) zip bomb cannot exhaust stboot's memory.
const MaxUnpackedSize = 1 << 30

// maxManifestSize bounds manifest.json.
const maxManifestSize = 64 << 10

// unpack reads a zip that Verify has authenticated: it checks the layout
// (unique names, only the manifest, the files it lists and directories),
// reads every file within limit bytes in total and checks each against the
// manifest's SHA-256.
func unpack(b []byte, limit int64) (*Contents, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, kindError(ErrFormat, "ospkg: reading zip: %w", err)
	}
	entries := map[string]*zip.File{}
	for _, f := range zr.File {
		if _, dup := entries[f.Name]; dup {
			return nil, kindError(ErrFormat, "ospkg: zip: duplicate entry %q", f.Name)
		}
		entries[f.Name] = f
	}

	budget := limit
	mf, ok := entries[pathManifest]
	if !ok {
		return nil, kindError(ErrFormat, "ospkg: zip: no %s", pathManifest)
	}
	mb, err := readEntry(mf, min(budget, maxManifestSize))
	if err != nil {
		return nil, err
	}
	budget -= int64(len(mb))
	m, err := parseManifest(mb)
	if err != nil {
		return nil, err
	}

	var errs []error
	for name, f := range entries {
		_, listed := m.SHA256[name]
		switch {
		case name == pathManifest || listed:
		case strings.HasSuffix(name, "/") && f.UncompressedSize64 == 0 && f.FileInfo().IsDir():
		default:
			errs = append(errs, fmt.Errorf("entry %q is not in the manifest", name))
		}
	}
	files := map[string][]byte{}
	names := make([]string, 0, len(m.SHA256))
	for name := range m.SHA256 {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		f, ok := entries[name]
		if !ok {
			errs = append(errs, fmt.Errorf("%s is in the manifest but not in the zip", name))
			continue
		}
		data, err := readEntry(f, budget)
		if err != nil {
			return nil, err
		}
		budget -= int64(len(data))
		sum := sha256.Sum256(data)
		if got, want := hex.EncodeToString(sum[:]), m.SHA256[name]; got != want {
			errs = append(errs, fmt.Errorf("%s: sha256 %s, manifest says %s", name, got, want))
			continue
		}
		files[name] = data
	}
	sort.Slice(errs, func(i, j int) bool { return errs[i].Error() < errs[j].Error() }) // map order
	if err := errors.Join(errs...); err != nil {
		return nil, kindError(ErrManifest, "ospkg: manifest mismatch: %w", err)
	}
	if got := string(files[m.CmdlineFile]); got != m.Cmdline {
		return nil, kindError(ErrManifest, "ospkg: manifest mismatch: %s holds %q, manifest cmdline is %q", m.CmdlineFile, got, m.Cmdline)
	}
	c := &Contents{
		Label:   m.Label,
		Kernel:  files[m.Kernel],
		Cmdline: m.Cmdline,
	}
	if m.Initramfs != "" {
		c.Initramfs = files[m.Initramfs]
	}
	if err := c.validate(); err != nil {
		return nil, kindError(ErrManifest, "ospkg: manifest mismatch: %w", err)
	}
	return c, nil
}

// parseManifest decodes manifest.json strictly and checks that it names
// its files and hashes them.
func parseManifest(b []byte) (*manifest, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var m manifest
	if err := dec.Decode(&m); err != nil {
		return nil, kindError(ErrFormat, "ospkg: parsing %s: %w", pathManifest, err)
	}
	if dec.More() {
		return nil, kindError(ErrFormat, "ospkg: parsing %s: data after the JSON object", pathManifest)
	}
	var errs []error
	if m.Version != manifestVersion {
		errs = append(errs, fmt.Errorf("version %d, want %d", m.Version, manifestVersion))
	}
	if m.Kernel == "" {
		errs = append(errs, errors.New("no kernel"))
	}
	if m.CmdlineFile == "" {
		errs = append(errs, errors.New("no cmdline_file"))
	}
	for _, p := range []struct{ field, name string }{
		{"kernel", m.Kernel}, {"initramfs", m.Initramfs}, {"cmdline_file", m.CmdlineFile},
	} {
		if _, ok := m.SHA256[p.name]; p.name != "" && !ok {
			errs = append(errs, fmt.Errorf("%s %q has no sha256", p.field, p.name))
		}
	}
	if m.Kernel != "" && (m.Kernel == m.Initramfs || m.Kernel == m.CmdlineFile) ||
		m.Initramfs != "" && m.Initramfs == m.CmdlineFile {
		errs = append(errs, errors.New("kernel, initramfs and cmdline_file must be different files"))
	}
	var hashErrs []error
	for name, h := range m.SHA256 {
		if name == pathManifest || name == "" || strings.HasSuffix(name, "/") {
			hashErrs = append(hashErrs, fmt.Errorf("sha256 lists %q, which is not a file", name))
		}
		if raw, err := hex.DecodeString(h); err != nil || len(raw) != sha256.Size || hex.EncodeToString(raw) != h {
			hashErrs = append(hashErrs, fmt.Errorf("sha256 of %q is %q, not 64 lower-case hex digits", name, h))
		}
	}
	sort.Slice(hashErrs, func(i, j int) bool { return hashErrs[i].Error() < hashErrs[j].Error() }) // map order
	if err := errors.Join(append(errs, hashErrs...)...); err != nil {
		return nil, kindError(ErrFormat, "ospkg: %s: %w", pathManifest, err)
	}
	return &m, nil
}

// readEntry reads f, failing if it holds more than limit bytes.
func readEntry(f *zip.File, limit int64) ([]byte, error) {
	if limit < 0 {
		limit = 0
	}
	if f.UncompressedSize64 > uint64(limit) {
		return nil, kindError(ErrFormat, "ospkg: zip: %s is %d bytes, over the remaining limit of %d", f.Name, f.UncompressedSize64, limit)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, kindError(ErrFormat, "ospkg: zip: opening %s: %w", f.Name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, kindError(ErrFormat, "ospkg: zip: reading %s: %w", f.Name, err)
	}
	if int64(len(b)) > limit {
		return nil, kindError(ErrFormat, "ospkg: zip: %s exceeds the remaining limit of %d bytes", f.Name, limit)
	}
	return b, nil
}
