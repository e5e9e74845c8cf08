package toolchain

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ulikunitz/xz"

	"manx/internal/fetch"
	"manx/internal/pins"
	"manx/internal/stage"
)

// lockGenerator is written into the lock.
const lockGenerator = "go run mage.go toolchainLock (internal/toolchain.WriteLock)"

// Component and Architecture of the build container's packages.
const (
	Component    = "main"
	Architecture = "amd64"
)

// archiveKeyring verifies InRelease when gpgv is installed.
const archiveKeyring = "/usr/share/keyrings/debian-archive-keyring.gpg"

// WriteLock resolves the build container's packages from the first Debian
// mirror f.Mirrors names (MANX_DEBIAN_MIRROR or the host's apt sources) and
// rewrites root's LockFile, logging every version change.
func WriteLock(ctx context.Context, root string, f *fetch.Fetcher, log *slog.Logger) error {
	l, err := ResolveLock(ctx, f, log)
	if err != nil {
		return err
	}
	file := filepath.Join(root, LockFile)
	if old, err := LoadLock(file); err == nil {
		logLockChanges(log, old, l)
	} else if !errors.Is(err, os.ErrNotExist) {
		log.Warn("Replacing an unreadable toolchain lock", "file", file, "err", err)
	}
	if err := stage.WriteFileAtomic(file, l.Encode(), 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", file, err)
	}
	log.Info("Toolchain lock written", "file", file, "packages", len(l.Packages), "digest", l.Digest())
	return nil
}

// ResolveLock reads the suite's Release file and Packages index from a
// mirror (the index is checked against the Release file's sha256, and the
// Release file with gpgv when gpgv and the archive keyring are installed)
// and resolves what `debootstrap --variant=minbase --include=<Packages>`
// installs, exactly as debootstrap does.
func ResolveLock(ctx context.Context, f *fetch.Fetcher, log *slog.Logger) (*Lock, error) {
	mirrors, err := f.Mirrors("debian")
	if err != nil {
		return nil, fmt.Errorf("resolving the toolchain lock: %w", err)
	}
	m := mirrors[0]
	rel, err := fetchRelease(ctx, m, log)
	if err != nil {
		return nil, err
	}
	name := Component + "/binary-" + Architecture + "/Packages.xz"
	sum, ok := rel[name]
	if !ok {
		return nil, fmt.Errorf("%s/dists/%s/InRelease lists no sha256 for %s", m, Suite, name)
	}
	one := *f // the index from the mirror whose Release file vouches for it
	one.Mirrors = func(string) ([]string, error) { return []string{m}, nil }
	pin := pins.Pin{Name: Suite + " " + name, Version: sum.SHA256[:12], Archive: "debian", Path: "dists/" + Suite + "/" + name, Size: sum.Size, SHA256: sum.SHA256}
	file, err := one.Get(ctx, pin)
	if err != nil {
		return nil, fmt.Errorf("fetching the %s index: %w", Suite, err)
	}
	idx, err := readIndex(file)
	if err != nil {
		return nil, fmt.Errorf("%s (%s): %w", pin.Path, file, err)
	}
	names, err := resolveMinbase(idx, Packages)
	if err != nil {
		return nil, fmt.Errorf("resolving the toolchain's packages from %s/%s: %w", m, pin.Path, err)
	}
	l := &Lock{Generator: lockGenerator, Suite: Suite, Component: Component, Architecture: Architecture,
		Include: slices.Sorted(slices.Values(Packages))}
	for _, n := range names {
		l.Packages = append(l.Packages, idx[n].LockedPackage)
	}
	if err := l.Validate(); err != nil {
		return nil, fmt.Errorf("the resolved toolchain lock: %w", err)
	}
	log.Info("Resolved the toolchain's packages", "mirror", m, "index", pin.Path, "sha256", sum.SHA256, "packages", len(l.Packages))
	return l, nil
}

type releaseSum struct {
	SHA256 string
	Size   int64
}

// fetchRelease downloads dists/<Suite>/InRelease (else Release) from mirror
// m, checks its signature when it can and returns its SHA256 list.
func fetchRelease(ctx context.Context, m string, log *slog.Logger) (map[string]releaseSum, error) {
	var errs []error
	for _, name := range []string{"InRelease", "Release"} {
		url := m + "/dists/" + Suite + "/" + name
		b, err := httpGet(ctx, url)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if name == "InRelease" {
			if err := gpgVerify(ctx, b, log); err != nil {
				return nil, fmt.Errorf("%s: %w", url, err)
			}
			b = clearsigned(b)
		} else {
			log.Warn("No InRelease: the Release file's signature is not checked", "url", url)
		}
		sums, err := parseRelease(b, Suite)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", url, err)
		}
		return sums, nil
	}
	return nil, fmt.Errorf("fetching the %s Release file from %s: %w", Suite, m, errors.Join(errs...))
}

func httpGet(ctx context.Context, url string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: HTTP %s", url, resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", url, err)
	}
	return b, nil
}

// gpgVerify checks an InRelease file against the Debian archive keyring
// when gpgv and the keyring are installed (optional: the index's sha256 and
// every .deb's sha256 are checked either way).
func gpgVerify(ctx context.Context, inRelease []byte, log *slog.Logger) error {
	gpgv, err := exec.LookPath("gpgv")
	if _, kerr := os.Stat(archiveKeyring); err != nil || kerr != nil {
		log.Warn("gpgv or the Debian archive keyring is missing: InRelease's signature is not checked", "keyring", archiveKeyring)
		return nil
	}
	cmd := exec.CommandContext(ctx, gpgv, "--keyring", archiveKeyring, "-")
	cmd.Stdin = bytes.NewReader(inRelease)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("gpgv --keyring %s: %s: %w", archiveKeyring, strings.TrimSpace(string(out)), err)
	}
	log.Info("InRelease signature verified", "keyring", archiveKeyring)
	return nil
}

// clearsigned returns the signed text of a clearsigned (InRelease) file.
func clearsigned(b []byte) []byte {
	const begin, sig = "-----BEGIN PGP SIGNED MESSAGE-----", "\n-----BEGIN PGP SIGNATURE-----"
	s := string(b)
	if !strings.HasPrefix(s, begin) {
		return b
	}
	if _, body, ok := strings.Cut(s, "\n\n"); ok { // after the armor headers
		s = body
	}
	s, _, _ = strings.Cut(s, sig)
	var out []string
	for _, line := range strings.Split(s, "\n") {
		out = append(out, strings.TrimPrefix(line, "- ")) // dash-escaping
	}
	return []byte(strings.Join(out, "\n") + "\n")
}

// parseRelease returns a Release file's SHA256 entries; the file must be
// for suite (Codename or Suite).
func parseRelease(b []byte, suite string) (map[string]releaseSum, error) {
	var st stanza
	if err := readStanzas(bytes.NewReader(b), func(s stanza) error { st = append(st, s...); return nil }); err != nil {
		return nil, err
	}
	if st.Get("Codename") != suite && st.Get("Suite") != suite {
		return nil, fmt.Errorf("release file is for %q/%q, want %q", st.Get("Suite"), st.Get("Codename"), suite)
	}
	out := map[string]releaseSum{}
	for _, line := range strings.Split(st.Get("SHA256"), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) != 3 || !sha256RE.MatchString(f[0]) {
			return nil, fmt.Errorf("release file: malformed SHA256 line %q", line)
		}
		size, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("release file: size in SHA256 line %q: %w", line, err)
		}
		out[f[2]] = releaseSum{SHA256: f[0], Size: size}
	}
	if len(out) == 0 {
		return nil, errors.New("release file has no SHA256 list")
	}
	return out, nil
}

// indexEntry is what the resolver needs of one Packages paragraph.
type indexEntry struct {
	LockedPackage
	Depends []string // Pre-Depends and Depends, one alternative list each
}

// readIndex reads an xz-compressed Packages index. A package listed twice
// keeps its last paragraph, as debootstrap does.
func readIndex(file string) (map[string]indexEntry, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	x, err := xz.NewReader(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		return nil, err
	}
	return parseIndex(x)
}

func parseIndex(r io.Reader) (map[string]indexEntry, error) {
	idx := map[string]indexEntry{}
	err := readStanzas(r, func(s stanza) error {
		e, err := indexEntryOf(s)
		if err != nil {
			return err
		}
		idx[e.Name] = e
		return nil
	})
	return idx, err
}

func indexEntryOf(s stanza) (indexEntry, error) {
	size, err := strconv.ParseInt(s.Get("Size"), 10, 64)
	if err != nil {
		return indexEntry{}, fmt.Errorf("package %q: Size %q: %w", s.Get("Package"), s.Get("Size"), err)
	}
	e := indexEntry{LockedPackage: LockedPackage{
		Name: s.Get("Package"), Version: s.Get("Version"), Architecture: s.Get("Architecture"), Priority: s.Get("Priority"),
		Path: s.Get("Filename"), Size: size, SHA256: s.Get("SHA256"),
	}}
	if e.Name == "" || e.Version == "" || e.Path == "" {
		return e, fmt.Errorf("paragraph without Package, Version or Filename: %q", e.Name)
	}
	for _, fld := range []string{"Pre-Depends", "Depends"} {
		for _, d := range strings.Split(s.Get(fld), ",") {
			if d = strings.TrimSpace(d); d != "" {
				e.Depends = append(e.Depends, d)
			}
		}
	}
	return e, nil
}

// debootstrapName is the package debootstrap's resolver takes for one
// dependency: the first alternative, without version or architecture.
func debootstrapName(dep string) string {
	d, _, _ := strings.Cut(dep, "|")
	d, _, _ = strings.Cut(d, "(")
	d, _, _ = strings.Cut(d, ":")
	return strings.TrimSpace(d)
}

// resolveMinbase is debootstrap's minbase package set for bookworm: every
// Priority: required package, usr-is-merged, apt and include, closed over
// Pre-Depends and Depends (first alternative only; a name no real package
// has is dropped; usrmerge is never pulled in), as its resolve_deps does.
func resolveMinbase(idx map[string]indexEntry, include []string) ([]string, error) {
	roots := []string{"usr-is-merged", "apt"}
	for n, e := range idx {
		if e.Priority == "required" {
			roots = append(roots, n)
		}
	}
	var missing []string
	for _, n := range include {
		if _, ok := idx[n]; !ok {
			missing = append(missing, n)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("the index has no package %s", strings.Join(missing, ", "))
	}
	roots = append(roots, include...)
	seen := map[string]bool{}
	queue := roots
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		e, ok := idx[n]
		if !ok || seen[n] {
			continue
		}
		seen[n] = true
		for _, d := range e.Depends {
			if dn := debootstrapName(d); dn != "usrmerge" {
				queue = append(queue, dn)
			}
		}
	}
	for _, r := range []string{"usr-is-merged", "apt"} {
		if !seen[r] {
			return nil, fmt.Errorf("the index has no package %s", r)
		}
	}
	return slices.Sorted(func(yield func(string) bool) {
		for n := range seen {
			if !yield(n) {
				return
			}
		}
	}), nil
}

// logLockChanges logs what a refresh changes.
func logLockChanges(log *slog.Logger, old, l *Lock) {
	changed := 0
	for _, p := range l.Packages {
		o, ok := old.Package(p.Name)
		switch {
		case !ok:
			log.Info("Toolchain lock: new package", "package", p.Name, "version", p.Version)
		case o.Version != p.Version || o.SHA256 != p.SHA256 || o.Path != p.Path || o.Priority != p.Priority:
			log.Info("Toolchain lock: package changes", "package", p.Name, "from", o.Version, "to", p.Version)
		default:
			continue
		}
		changed++
	}
	for _, o := range old.Packages {
		if _, ok := l.Package(o.Name); !ok {
			log.Info("Toolchain lock: package removed", "package", o.Name, "version", o.Version)
			changed++
		}
	}
	log.Info("Toolchain lock compared with the committed one", "changes", changed)
}
