package toolchain

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"

	"manx/internal/pins"
)

// LockFile is the build container's package lock, relative to the
// repository root. It is compiled into the toolchain package (lockJSON), so
// the image tag is a function of the checked-out source alone.
const LockFile = "internal/toolchain/debian.lock.json"

//go:embed debian.lock.json
var lockJSON []byte

// RefreshHint says how to move the lock to what the mirror serves today.
const RefreshHint = "refresh the lock with `go run mage.go toolchainLock`, review its version changes " +
	"(a new gcc, binutils, nasm or iasl can change firmware and kernel bytes) and commit " + LockFile

// Lock is every package of the Debian build container at an exact version:
// the debootstrap minbase set, Packages and all their dependencies.
type Lock struct {
	Generator    string          `json:"generator"`    // how to regenerate the file
	Suite        string          `json:"suite"`        // bookworm
	Component    string          `json:"component"`    // main
	Architecture string          `json:"architecture"` // amd64
	Include      []string        `json:"include"`      // the Packages list the lock was resolved for
	Packages     []LockedPackage `json:"packages"`     // sorted by name, one entry per package
}

// LockedPackage is one .deb of the container, as the mirror's Packages index
// lists it.
type LockedPackage struct {
	Name         string `json:"name"`
	Version      string `json:"version"`
	Architecture string `json:"architecture"` // the lock's architecture or "all"
	// Priority is the archive's (override) priority: debootstrap installs
	// the "required" packages first, and a .deb's own control file may say
	// otherwise, so the local repository the image is built from uses this.
	Priority string `json:"priority"`
	Path     string `json:"path"` // pool path (Filename) inside the archive
	Size     int64  `json:"size"`
	SHA256   string `json:"sha256"`
}

// Pin is the package as a fetchable pin.
func (p LockedPackage) Pin() pins.Pin {
	return pins.Pin{Name: p.Name, Version: p.Version, Archive: "debian", Path: p.Path, Size: p.Size, SHA256: p.SHA256,
		Origin: "Debian " + Suite + " binary package (toolchain lock)"}
}

// String names the package the way errors do: name version architecture (pool path).
func (p LockedPackage) String() string {
	return fmt.Sprintf("%s %s %s (%s)", p.Name, p.Version, p.Architecture, p.Path)
}

var (
	packageNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9+.-]+$`)
	versionRE     = regexp.MustCompile(`^([0-9]+:)?[0-9][A-Za-z0-9.+~-]*$`)
	sha256RE      = regexp.MustCompile(`^[0-9a-f]{64}$`)
	priorities    = map[string]bool{"required": true, "important": true, "standard": true, "optional": true, "extra": true}
)

// ParseLock decodes and validates a lock; name (the file) prefixes every error.
func ParseLock(name string, b []byte) (*Lock, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var l Lock
	if err := dec.Decode(&l); err != nil {
		return nil, fmt.Errorf("%s: decoding the toolchain lock: %w", name, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%s: trailing data after the toolchain lock", name)
	}
	if err := l.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &l, nil
}

// LoadLock reads and validates a lock file.
func LoadLock(file string) (*Lock, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("reading the toolchain lock: %w", err)
	}
	return ParseLock(file, b)
}

// CommittedLock is the lock compiled into this binary (LockFile).
func CommittedLock() (*Lock, error) { return ParseLock(LockFile, lockJSON) }

// Validate reports every problem at once, each naming the entry.
func (l *Lock) Validate() error {
	var errs []error
	if l.Suite == "" || l.Component == "" || l.Architecture == "" {
		errs = append(errs, errors.New("suite, component and architecture must be set"))
	}
	if len(l.Packages) == 0 {
		errs = append(errs, errors.New("no packages"))
	}
	byName := make(map[string]bool, len(l.Packages))
	for i, p := range l.Packages {
		where := fmt.Sprintf("package %d (%q)", i, p.Name)
		bad := func(format string, a ...any) {
			errs = append(errs, fmt.Errorf("%s: %s", where, fmt.Sprintf(format, a...)))
		}
		if !packageNameRE.MatchString(p.Name) {
			bad("invalid package name")
		}
		if byName[p.Name] {
			bad("duplicate package (the lock has one entry per package)")
		}
		byName[p.Name] = true
		if i > 0 && p.Name < l.Packages[i-1].Name {
			bad("out of order after %q (packages must be sorted by name)", l.Packages[i-1].Name)
		}
		if !versionRE.MatchString(p.Version) {
			bad("invalid version %q", p.Version)
		}
		if p.Architecture != l.Architecture && p.Architecture != "all" {
			bad("architecture %q, want %q or \"all\"", p.Architecture, l.Architecture)
		}
		if !priorities[p.Priority] {
			bad("invalid priority %q", p.Priority)
		}
		if p.Path != path.Clean(p.Path) || !strings.HasPrefix(p.Path, "pool/") || !strings.HasSuffix(p.Path, ".deb") || strings.Contains(p.Path, "..") {
			bad("pool path %q is not a clean pool/….deb path", p.Path)
		}
		if p.Size <= 0 {
			bad("size %d, want > 0", p.Size)
		}
		if !sha256RE.MatchString(p.SHA256) {
			bad("sha256 %q is not 64 lowercase hex digits", p.SHA256)
		}
	}
	if len(l.Include) == 0 {
		errs = append(errs, errors.New("include lists no packages"))
	}
	for i, n := range l.Include {
		if i > 0 && n <= l.Include[i-1] {
			errs = append(errs, fmt.Errorf("include: %q is out of order or repeated after %q (keep it sorted)", n, l.Include[i-1]))
		}
		if !byName[n] {
			errs = append(errs, fmt.Errorf("include: %q has no package entry", n))
		}
	}
	return errors.Join(errs...)
}

// Encode is the canonical form of the lock: fixed field order, one package
// per line, so a refresh diffs line by line.
func (l *Lock) Encode() []byte {
	var b bytes.Buffer
	str := func(v any) string { s, _ := json.Marshal(v); return string(s) }
	fmt.Fprintf(&b, "{\n  \"generator\": %s,\n  \"suite\": %s,\n  \"component\": %s,\n  \"architecture\": %s,\n",
		str(l.Generator), str(l.Suite), str(l.Component), str(l.Architecture))
	fmt.Fprintf(&b, "  \"include\": %s,\n  \"packages\": [\n", str(l.Include))
	for i, p := range l.Packages {
		b.WriteString("    " + str(p))
		if i < len(l.Packages)-1 {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString("  ]\n}\n")
	return b.Bytes()
}

// Digest is the hex sha256 of the canonical encoding: any change to any
// entry changes it (and the image tag), a reformatting does not.
func (l *Lock) Digest() string {
	s := sha256.Sum256(l.Encode())
	return hex.EncodeToString(s[:])
}

// Package returns the entry called name.
func (l *Lock) Package(name string) (LockedPackage, bool) {
	i, ok := slices.BinarySearchFunc(l.Packages, name, func(p LockedPackage, n string) int { return strings.Compare(p.Name, n) })
	if !ok {
		return LockedPackage{}, false
	}
	return l.Packages[i], true
}

// Names are the locked package names, sorted.
func (l *Lock) Names() []string {
	out := make([]string, len(l.Packages))
	for i, p := range l.Packages {
		out[i] = p.Name
	}
	return out
}

// checkFor reports whether the lock was made for this recipe: the suite and
// the Packages list (sorted) it was resolved from.
func (l *Lock) checkFor(suite string, packages []string) error {
	if l.Suite != suite {
		return fmt.Errorf("%s is for suite %q, the toolchain is %q: %s", LockFile, l.Suite, suite, RefreshHint)
	}
	want := slices.Sorted(slices.Values(packages))
	if !slices.Equal(l.Include, want) {
		return fmt.Errorf("%s was resolved for the packages %v but toolchain.Packages is %v: %s", LockFile, l.Include, want, RefreshHint)
	}
	return nil
}
