package manifest

import (
	"errors"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"
)

// SchemaVersion is the manifest format version written in "schema".
//
// Schema 2 records each artefact's own SOURCE_DATE_EPOCH and version (the
// newest commit that touched its inputs); schema 1 had one for all.
const SchemaVersion = 2

// Input is one named input of an artefact: a pin from pins.json (its sha256)
// or a certificate the artefact embeds or is signed with (the sha256 of its
// DER encoding).
type Input struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
}

// Entry is one artefact.
type Entry struct {
	Name   string  `json:"name"`           // logical name, e.g. "ovmf-pflash-code"
	Path   string  `json:"path"`           // relative to build/, slash-separated
	SHA256 string  `json:"sha256"`         // lowercase hex
	Size   int64   `json:"size"`           // bytes
	Pins   []Input `json:"pins"`           // pins.json entries it is built from
	Keys   []Input `json:"keys,omitempty"` // local certificates it depends on
	// Epoch and Version are the artefact's SOURCE_DATE_EPOCH and version:
	// the newest commit that touched its inputs.
	Epoch   int64  `json:"source_date_epoch"`
	Version string `json:"version"`
}

// Manifest is a whole hashes/<arch>.json.
type Manifest struct {
	Schema    int     `json:"schema"`
	Arch      string  `json:"arch"`              // e.g. "x86_64"
	Epoch     int64   `json:"source_date_epoch"` // the repository's: newest commit touching any artefact's inputs
	Version   string  `json:"version"`           // that commit, e.g. "g1632351a2b3c": check it out to rebuild
	Toolchain string  `json:"toolchain"`         // toolchain ID, e.g. "debian-bookworm-61e81ec8f997e451"
	Go        string  `json:"go,omitempty"`      // go env GOVERSION of the Go-built artefacts
	Artefacts []Entry `json:"artefacts"`
}

// ErrInvalid is wrapped by every validation error.
var ErrInvalid = errors.New("invalid manifest")

var (
	hexSHA256 = regexp.MustCompile(`^[0-9a-f]{64}$`)
	// Names appear as one column of Format's report: no spaces.
	validName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._+-]*$`)
	validArch = regexp.MustCompile(`^[a-z0-9_]+$`)
)

// Validate checks m as Read does (Write refuses what Read would reject).
// Artefacts must be sorted by name; Normalize sorts them.
func (m *Manifest) Validate() error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, a...))
	}
	if m.Schema != SchemaVersion {
		return bad("schema %d: want %d", m.Schema, SchemaVersion)
	}
	if !validArch.MatchString(m.Arch) {
		return bad("arch %q: want lowercase letters, digits and _", m.Arch)
	}
	if m.Epoch < 0 {
		return bad("source_date_epoch %d: want a non-negative Unix time", m.Epoch)
	}
	if strings.TrimSpace(m.Version) == "" || m.Version != strings.TrimSpace(m.Version) {
		return bad("version %q: want a non-empty string without surrounding space", m.Version)
	}
	if strings.TrimSpace(m.Toolchain) == "" || m.Toolchain != strings.TrimSpace(m.Toolchain) {
		return bad("toolchain %q: want a non-empty ID without surrounding space", m.Toolchain)
	}
	if m.Go != strings.TrimSpace(m.Go) {
		return bad("go %q: surrounding space", m.Go)
	}
	if len(m.Artefacts) == 0 {
		return bad("no artefacts")
	}
	paths := make(map[string]string, len(m.Artefacts))
	for i, e := range m.Artefacts {
		if err := e.validate(); err != nil {
			return fmt.Errorf("%w: artefact %d (%q): %s", ErrInvalid, i, e.Name, err)
		}
		if i > 0 {
			prev := m.Artefacts[i-1].Name
			if prev == e.Name {
				return bad("artefact %d (%q): duplicate name", i, e.Name)
			}
			if prev > e.Name {
				return bad("artefact %d (%q): not sorted by name (after %q)", i, e.Name, prev)
			}
		}
		if other, dup := paths[e.Path]; dup {
			return bad("artefact %d (%q): path %q already used by %q", i, e.Name, e.Path, other)
		}
		paths[e.Path] = e.Name
	}
	return nil
}

// validate returns a message without the entry's name (the caller adds it).
func (e Entry) validate() error {
	if !validName.MatchString(e.Name) {
		return errors.New("name: want letters, digits, '.', '_', '+' or '-', starting with a letter or digit")
	}
	if e.Path == "" || path.IsAbs(e.Path) || path.Clean(e.Path) != e.Path ||
		e.Path == ".." || strings.HasPrefix(e.Path, "../") || strings.Contains(e.Path, `\`) {
		return fmt.Errorf("path %q: want a clean slash-separated path inside build/", e.Path)
	}
	if !hexSHA256.MatchString(e.SHA256) {
		return fmt.Errorf("sha256 %q: want 64 lowercase hex digits", e.SHA256)
	}
	if e.Size < 0 {
		return fmt.Errorf("size %d: want >= 0", e.Size)
	}
	if e.Epoch < 0 {
		return fmt.Errorf("source_date_epoch %d: want a non-negative Unix time", e.Epoch)
	}
	if strings.TrimSpace(e.Version) == "" || e.Version != strings.TrimSpace(e.Version) {
		return fmt.Errorf("version %q: want a non-empty string without surrounding space", e.Version)
	}
	if err := validateInputs("pins", e.Pins); err != nil {
		return err
	}
	return validateInputs("keys", e.Keys)
}

func validateInputs(field string, in []Input) error {
	for i, x := range in {
		if !validName.MatchString(x.Name) {
			return fmt.Errorf("%s[%d] name %q: want letters, digits, '.', '_', '+' or '-'", field, i, x.Name)
		}
		if !hexSHA256.MatchString(x.SHA256) {
			return fmt.Errorf("%s[%d] (%q) sha256 %q: want 64 lowercase hex digits", field, i, x.Name, x.SHA256)
		}
		if i > 0 {
			prev := in[i-1].Name
			if prev == x.Name {
				return fmt.Errorf("%s[%d] (%q): duplicate name", field, i, x.Name)
			}
			if prev > x.Name {
				return fmt.Errorf("%s[%d] (%q): not sorted by name (after %q)", field, i, x.Name, prev)
			}
		}
	}
	return nil
}

// Normalize returns a copy of m with artefacts, pins and keys sorted by name,
// nil pin lists made empty, empty key lists dropped and a zero Schema set
// to SchemaVersion. It does not validate and does not modify m.
func Normalize(m Manifest) Manifest {
	out := m
	if out.Schema == 0 {
		out.Schema = SchemaVersion
	}
	out.Artefacts = make([]Entry, len(m.Artefacts))
	for i, e := range m.Artefacts {
		e.Pins = sortedInputs(e.Pins)
		e.Keys = sortedInputs(e.Keys)
		if len(e.Keys) == 0 {
			e.Keys = nil
		}
		out.Artefacts[i] = e
	}
	slices.SortStableFunc(out.Artefacts, func(a, b Entry) int { return strings.Compare(a.Name, b.Name) })
	return out
}

func sortedInputs(in []Input) []Input {
	out := append([]Input{}, in...)
	slices.SortStableFunc(out, func(a, b Input) int { return strings.Compare(a.Name, b.Name) })
	return out
}
