// Package pins holds Manx's list of external inputs: every source tarball and
// binary package a build uses, addressed by Debian archive path and sha256.
// The list is data (pins.json at the repository root); VERSIONS.md is
// rendered from it.
package pins

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"sort"
	"strings"
)

// File is the pin list's file name at the repository root.
const File = "pins.json"

// Pin is one external input.
type Pin struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Archive string `json:"archive"` // "debian": resolved against the host's Debian mirror
	Path    string `json:"path"`    // pool path inside the archive
	SHA256  string `json:"sha256"`
	Size    int64  `json:"size"`
	Origin  string `json:"origin"`
}

// FileName is the base name of the pinned file.
func (p Pin) FileName() string { return path.Base(p.Path) }

// List is the whole pin list.
type List struct {
	Pins []Pin `json:"pins"`
}

// Load reads and validates a pin list file.
func Load(file string) (*List, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("reading pin list: %w", err)
	}
	l, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return l, nil
}

// Parse decodes and validates a pin list.
func Parse(b []byte) (*List, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var l List
	if err := dec.Decode(&l); err != nil {
		return nil, fmt.Errorf("decoding pin list: %w", err)
	}
	if err := l.Validate(); err != nil {
		return nil, err
	}
	return &l, nil
}

// Validate reports every problem in the list at once.
func (l *List) Validate() error {
	var errs []error
	seen := map[string]bool{}
	for i, p := range l.Pins {
		where := fmt.Sprintf("pin %d (%q)", i, p.Name)
		if p.Name == "" {
			errs = append(errs, fmt.Errorf("%s: empty name", where))
		}
		if seen[p.Name] {
			errs = append(errs, fmt.Errorf("%s: duplicate name", where))
		}
		seen[p.Name] = true
		if p.Version == "" {
			errs = append(errs, fmt.Errorf("%s: empty version", where))
		}
		if p.Archive != "debian" && p.Archive != "debian-security" {
			errs = append(errs, fmt.Errorf("%s: archive %q: want debian or debian-security", where, p.Archive))
		}
		if !strings.HasPrefix(p.Path, "pool/") || strings.Contains(p.Path, "..") {
			errs = append(errs, fmt.Errorf("%s: path %q: want a pool/ path", where, p.Path))
		}
		if b, err := hex.DecodeString(p.SHA256); err != nil || len(b) != 32 || strings.ToLower(p.SHA256) != p.SHA256 {
			errs = append(errs, fmt.Errorf("%s: sha256 %q: want 64 lower-case hex digits", where, p.SHA256))
		}
		if p.Size <= 0 {
			errs = append(errs, fmt.Errorf("%s: size %d: want > 0", where, p.Size))
		}
	}
	return errors.Join(errs...)
}

// Get returns the pin with the given name.
func (l *List) Get(name string) (Pin, error) {
	for _, p := range l.Pins {
		if p.Name == name {
			return p, nil
		}
	}
	return Pin{}, fmt.Errorf("no pin named %q in %s", name, File)
}

// Sorted returns the pins ordered by name.
func (l *List) Sorted() []Pin {
	out := append([]Pin(nil), l.Pins...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
