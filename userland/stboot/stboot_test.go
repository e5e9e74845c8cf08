package stboot

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"manx/internal/testutil"
	"manx/ospkg"
	"manx/sign"
)

var epoch = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

var contents = ospkg.Contents{
	Label:     "Manx test",
	Kernel:    bytes.Repeat([]byte("bzImage"), 300),
	Initramfs: bytes.Repeat([]byte("cpio"), 200),
	Cmdline:   "console=ttyS0 manx.test=poweroff",
}

// pkg is a signed OS package.
type pkg struct {
	desc, zip []byte
}

// release is what makePkg signs: pkg_version 5, no expiry.
var release = ospkg.Release{Label: "Manx test v5", Version: 5}

func makePkg(t *testing.T, signers ...sign.Signer) pkg {
	t.Helper()
	return makeRelease(t, release, signers...)
}

func makeRelease(t *testing.T, rel ospkg.Release, signers ...sign.Signer) pkg {
	t.Helper()
	var zb bytes.Buffer
	if err := ospkg.Pack(&zb, contents, epoch); err != nil {
		t.Fatal(err)
	}
	d, err := ospkg.Sign(zb.Bytes(), "manx.zip", rel, signers)
	if err != nil {
		t.Fatal(err)
	}
	db, err := d.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return pkg{db, zb.Bytes()}
}

// server is an httptest server whose paths answer from a script: the n-th
// request to a path runs script[path][n], the last entry repeating.
type server struct {
	*httptest.Server
	mu     sync.Mutex
	script map[string][]http.HandlerFunc
	hits   map[string]int
}

func newServer(t *testing.T, p pkg, script map[string][]http.HandlerFunc) *server {
	s := &server{script: script, hits: map[string]int{}}
	files := map[string][]byte{"/manx.json": p.desc, "/manx.zip": p.zip}
	serve := func(w http.ResponseWriter, r *http.Request) {
		b, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		w.Write(b)
	}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		steps := s.script[r.URL.Path]
		n := s.hits[r.URL.Path]
		s.hits[r.URL.Path]++
		s.mu.Unlock()
		if len(steps) == 0 {
			serve(w, r)
			return
		}
		steps[min(n, len(steps)-1)](w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

func status(code int) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "fault", code) }
}

// body answers 200 with b (and Content-Length len(full)).
func body(b []byte, full int) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(full))
		w.Write(b)
	}
}

// hang answers only when the client gives up.
func hang(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() }

type fakeNetwork struct {
	err   error
	calls []NetConfig
}

func (n *fakeNetwork) Up(_ context.Context, c NetConfig) (string, error) {
	n.calls = append(n.calls, c)
	if n.err != nil {
		return "", n.err
	}
	return c.Interface + " (fake)", nil
}

type fakeKexec struct {
	loadErr, execErr  error
	kernel, initramfs []byte
	cmdline           string
	loaded, execd     bool
}

func (k *fakeKexec) Load(kernel, initramfs *os.File, cmdline string) error {
	k.loaded = true
	var err error
	if k.kernel, err = io.ReadAll(kernel); err != nil {
		return err
	}
	if initramfs != nil {
		if k.initramfs, err = io.ReadAll(initramfs); err != nil {
			return err
		}
	}
	k.cmdline = cmdline
	return k.loadErr
}

func (k *fakeKexec) Exec() error {
	k.execd = true
	return k.execErr
}

// env is one stboot run's inputs.
type env struct {
	dir      string
	config   map[string]any
	root     *testutil.Cert
	net      *fakeNetwork
	kexec    *fakeKexec
	versions VersionStore // nil: no rollback state
	console  bytes.Buffer
}

func newEnv(t *testing.T, root *testutil.Cert, descURL string) *env {
	e := &env{dir: t.TempDir(), root: root, net: &fakeNetwork{}, kexec: &fakeKexec{}}
	rootPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: root.Certificate().Raw})
	if err := os.WriteFile(filepath.Join(e.dir, "root.pem"), rootPEM, 0o644); err != nil {
		t.Fatal(err)
	}
	e.config = map[string]any{
		"version":         1,
		"descriptor_url":  descURL,
		"trust_root":      filepath.Join(e.dir, "root.pem"),
		"request_timeout": "2s",
		"deadline":        "20s",
		"retry_max":       3,
		"retry_wait_min":  "10ms",
		"retry_wait_max":  "40ms",
		"network_mode":    "none",
	}
	return e
}

func (e *env) run(t *testing.T) error {
	t.Helper()
	b, err := json.Marshal(e.config)
	if err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(e.dir, "host.json")
	if err := os.WriteFile(cfg, b, 0o644); err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(e.dir, "tmp")
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		t.Fatal(err)
	}
	err = Run(context.Background(), Options{
		ConfigPath: cfg,
		TmpDir:     tmp,
		Console:    &e.console,
		Logger:     testutil.Logger(t),
		Network:    e.net,
		Kexec:      e.kexec,
		Now:        func() time.Time { return epoch.Add(time.Hour) },
		Versions:   e.versions,
	})
	t.Logf("console:\n%s", e.console.String())
	return err
}

func (e *env) lines() []string { return strings.Split(strings.TrimSpace(e.console.String()), "\n") }

func TestRunSuccess(t *testing.T) {
	root := testutil.Ed25519Cert(t, "Root", 1, epoch, nil)
	signer := testutil.Ed25519Cert(t, "Signer", 2, epoch, root)
	p := makePkg(t, signer)
	srv := newServer(t, p, nil)
	e := newEnv(t, root, srv.URL+"/manx.json")
	if err := e.run(t); err != nil {
		t.Fatalf("Run() = %v, want nil", err)
	}
	var markers []string
	for _, l := range e.lines() {
		if l == MarkerFetched || l == MarkerVerified || l == MarkerKexec {
			markers = append(markers, l)
		}
	}
	if want := []string{MarkerFetched, MarkerVerified, MarkerKexec}; !slices.Equal(markers, want) {
		t.Errorf("Run() markers = %q, want %q", markers, want)
	}
	k := e.kexec
	if !k.loaded || !k.execd || !bytes.Equal(k.kernel, contents.Kernel) || !bytes.Equal(k.initramfs, contents.Initramfs) || k.cmdline != contents.Cmdline {
		t.Errorf("Run() kexec: loaded %v execd %v kernel %d bytes initramfs %d bytes cmdline %q; want the package's (%d, %d, %q)",
			k.loaded, k.execd, len(k.kernel), len(k.initramfs), k.cmdline, len(contents.Kernel), len(contents.Initramfs), contents.Cmdline)
	}
	if len(e.net.calls) != 1 || e.net.calls[0].Mode != ModeNone {
		t.Errorf("Network.Up calls = %+v, want one with mode none", e.net.calls)
	}
	if left, _ := filepath.Glob(filepath.Join(e.dir, "tmp", "*")); len(left) != 0 {
		t.Errorf("Run() left %q in the tmp dir", left)
	}
}

func TestRunRetries(t *testing.T) {
	root := testutil.Ed25519Cert(t, "Root", 1, epoch, nil)
	p := makePkg(t, testutil.Ed25519Cert(t, "Signer", 2, epoch, root))
	srv := newServer(t, p, map[string][]http.HandlerFunc{
		"/manx.zip": {status(503), status(503), nil},
	})
	srv.script["/manx.zip"][2] = body(p.zip, len(p.zip))
	e := newEnv(t, root, srv.URL+"/manx.json")
	if err := e.run(t); err != nil {
		t.Fatalf("Run() with 503, 503, 200 = %v, want nil", err)
	}
	out := e.console.String()
	for _, want := range []string{
		"stboot: retry 1 for GET " + srv.URL + "/manx.zip: HTTP 503\n",
		"stboot: retry 2 for GET " + srv.URL + "/manx.zip: HTTP 503\n",
		MarkerKexec + "\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("console lacks %q", want)
		}
	}
	if n := srv.count("/manx.zip"); n != 3 {
		t.Errorf("zip requests = %d, want 3", n)
	}
}

func TestRunTruncatedThenOK(t *testing.T) {
	root := testutil.Ed25519Cert(t, "Root", 1, epoch, nil)
	p := makePkg(t, testutil.Ed25519Cert(t, "Signer", 2, epoch, root))
	srv := newServer(t, p, map[string][]http.HandlerFunc{
		"/manx.zip": {body(p.zip[:len(p.zip)/2], len(p.zip)), body(p.zip, len(p.zip))},
	})
	e := newEnv(t, root, srv.URL+"/manx.json")
	if err := e.run(t); err != nil {
		t.Fatalf("Run() with a truncated body, then the full one = %v, want nil", err)
	}
	if want := "stboot: retry 1 for GET " + srv.URL + "/manx.zip: reading body after"; !strings.Contains(e.console.String(), want) {
		t.Errorf("console lacks %q", want)
	}
}

func TestRunFailures(t *testing.T) {
	root := testutil.Ed25519Cert(t, "Root", 1, epoch, nil)
	signer := testutil.Ed25519Cert(t, "Signer", 2, epoch, root)
	otherRoot := testutil.Ed25519Cert(t, "Other root", 3, epoch, nil)
	stranger := testutil.Ed25519Cert(t, "Stranger", 4, epoch, otherRoot)
	good := makePkg(t, signer)
	flipped := bytes.Clone(good.zip)
	flipped[len(flipped)/2] ^= 1
	// hinted is good with os_pkg_sha256 set to flipped's digest: only the
	// signature can refuse flipped.
	hinted := pkg{desc: editDescriptor(t, good.desc, func(d *ospkg.Descriptor) {
		d.PkgSHA256 = fmt.Sprintf("%x", sha256.Sum256(flipped))
	}), zip: good.zip}

	tests := []struct {
		name    string
		pkg     pkg
		script  map[string][]http.HandlerFunc
		config  map[string]any // merged over the defaults of newEnv
		url     string         // descriptor URL; "" means the test server's
		net     error
		load    error
		step    string
		want    string        // substring of the FAIL line
		maxTime time.Duration // 0: 10s
	}{
		{name: "altered zip", pkg: good, script: map[string][]http.HandlerFunc{"/manx.zip": {body(flipped, len(flipped))}},
			step: StepVerify, want: "does not match the signed digest"},
		{name: "untrusted signer", pkg: makePkg(t, stranger),
			step: StepVerify, want: `0 valid signature(s), threshold 1`},
		{name: "untrusted signer names the chain", pkg: makePkg(t, stranger),
			step: StepVerify, want: `signer "CN=Stranger" does not chain to the trust root`},
		{name: "threshold not met", pkg: good, config: map[string]any{"signature_threshold": 2},
			step: StepVerify, want: "ospkg: 1 valid signature(s), threshold 2"},
		{name: "root signs", pkg: makePkg(t, root),
			step: StepVerify, want: `signer "CN=Root" is a trust root: roots do not sign packages`},
		{name: "distinct roots with one root", pkg: good, config: map[string]any{"signature_threshold": 2, "distinct_roots": true},
			step: StepConfig, want: "threshold 2 with distinct roots needs 2 roots with distinct keys, have 1"},
		{name: "server down", pkg: good, url: closedURL(t) + "/manx.json",
			step: StepFetch, want: "giving up after 4 attempt(s)"},
		{name: "server down says refused", pkg: good, url: closedURL(t) + "/manx.json",
			step: StepFetch, want: "connection refused"},
		{name: "total deadline", pkg: good, script: map[string][]http.HandlerFunc{"/manx.json": {hang}},
			config: map[string]any{"request_timeout": "300ms", "deadline": "1s", "retry_max": 100},
			step:   StepFetch, want: "total deadline exceeded after", maxTime: 3 * time.Second},
		{name: "404 is not retried", pkg: good, script: map[string][]http.HandlerFunc{"/manx.zip": {status(404)}},
			step: StepFetch, want: "GET " + "%URL%/manx.zip: giving up after 1 attempt(s): HTTP 404"},
		{name: "size cap", pkg: good, config: map[string]any{"size_cap": 1000},
			step: StepFetch, want: "body exceeds the size cap: Content-Length"},
		{name: "503 forever", pkg: good, script: map[string][]http.HandlerFunc{"/manx.json": {status(503)}},
			step: StepFetch, want: "giving up after 4 attempt(s): HTTP 503"},
		{name: "garbage descriptor", pkg: pkg{desc: []byte("<html>"), zip: good.zip},
			step: StepDescriptor, want: "ospkg: parsing descriptor"},
		{name: "network", pkg: good, net: errors.New("no carrier on eth0"),
			step: StepNetwork, want: "no carrier on eth0"},
		{name: "kexec_file_load refused", pkg: good, load: errors.New("required key not available"),
			step: StepLoad, want: `kexec_file_load of "Manx test v5": required key not available`},
		{name: "altered zip, hint updated", pkg: hinted, script: map[string][]http.HandlerFunc{"/manx.zip": {body(flipped, len(flipped))}},
			step: StepVerify, want: `ospkg: 0 valid signature(s), threshold 1; signature 0: signer "CN=Signer": Ed25519 signature does not verify over the statement (label=Manx test v5 os_pkg_sha256=`},
		{name: "expired", pkg: makeRelease(t, ospkg.Release{Label: "Manx old", Version: 9, NotAfter: epoch}, signer),
			step: StepVerify, want: "ospkg: package expired at 2026-01-02T03:04:05Z (now 2026-01-02T04:04:05Z)"},
		{name: "version 1 descriptor", pkg: pkg{desc: formatV1(t, good.desc), zip: good.zip},
			step: StepDescriptor, want: "ospkg: descriptor format version 1 (a signed hash: no package version or expiry) is no longer accepted; re-sign it as version 2"},
		{name: "bad config", pkg: good, config: map[string]any{"signature_threshold": 0, "retry_max": -1},
			step: StepConfig, want: "signature_threshold 0, want >= 1; retry_max -1, want 0..100"},
		{name: "unknown config field", pkg: good, config: map[string]any{"thresold": 2},
			step: StepConfig, want: `unknown field "thresold"`},
		{name: "missing trust root", pkg: good, config: map[string]any{"trust_root": "/nonexistent/root.pem"},
			step: StepConfig, want: "reading trust root"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, tt.pkg, tt.script)
			url := tt.url
			if url == "" {
				url = srv.URL + "/manx.json"
			}
			e := newEnv(t, root, url)
			for k, v := range tt.config {
				e.config[k] = v
			}
			e.net.err, e.kexec.loadErr = tt.net, tt.load
			start := time.Now()
			err := e.run(t)
			took := time.Since(start)

			var se *Error
			if !errors.As(err, &se) || se.Step != tt.step {
				t.Fatalf("Run(%s) = %v, want an *Error at step %s", tt.name, err, tt.step)
			}
			lines := e.lines()
			last := lines[len(lines)-1]
			want := "stboot: FAIL " + tt.step + ": "
			if !strings.HasPrefix(last, want) || !strings.Contains(last, strings.ReplaceAll(tt.want, "%URL%", srv.URL)) {
				t.Errorf("Run(%s) last line = %q, want %q… containing %q", tt.name, last, want, tt.want)
			}
			if e.kexec.execd || slices.Contains(lines, MarkerKexec) {
				t.Errorf("Run(%s) kexec'd after a failure", tt.name)
			}
			if tt.step == StepVerify && (e.kexec.loaded || slices.Contains(lines, MarkerVerified)) {
				t.Errorf("Run(%s) loaded or printed %q for a package that failed verification", tt.name, MarkerVerified)
			}
			if max := cmpOr(tt.maxTime, 10*time.Second); took > max {
				t.Errorf("Run(%s) took %v, want <= %v", tt.name, took, max)
			}
		})
	}
}

func TestRunDryRun(t *testing.T) {
	root := testutil.Ed25519Cert(t, "Root", 1, epoch, nil)
	p := makePkg(t, testutil.Ed25519Cert(t, "Signer", 2, epoch, root))
	srv := newServer(t, p, nil)
	e := newEnv(t, root, srv.URL+"/manx.json")
	b, _ := json.Marshal(e.config)
	cfg := filepath.Join(e.dir, "host.json")
	if err := os.WriteFile(cfg, b, 0o644); err != nil {
		t.Fatal(err)
	}
	err := Run(context.Background(), Options{ConfigPath: cfg, TmpDir: t.TempDir(), Console: &e.console,
		Network: e.net, Kexec: e.kexec, DryRun: true})
	if err != nil || e.kexec.loaded || strings.Contains(e.console.String(), MarkerKexec) {
		t.Errorf("Run(DryRun) = %v, loaded %v, console %q; want nil, no load, no %q", err, e.kexec.loaded, e.console.String(), MarkerKexec)
	}
}

// TestRunRollback: the version store refuses a lower pkg_version with the
// exact line the boot checks expect, accepts an equal one, and records the
// booted version right before the kexec.
func TestRunRollback(t *testing.T) {
	root := testutil.Ed25519Cert(t, "Root", 1, epoch, nil)
	p := makePkg(t, testutil.Ed25519Cert(t, "Signer", 2, epoch, root)) // pkg_version 5
	broken := NewMemVersionStore(0)
	broken.Err = errors.New("NV index not defined")
	tests := []struct {
		name     string
		store    *MemVersionStore
		wantLast string // "" means success
		want     uint64 // the store's highest afterwards
	}{
		{"rollback", NewMemVersionStore(7), "stboot: FAIL rollback: version 5 < 7 already booted", 7},
		{"equal version", NewMemVersionStore(5), "", 5},
		{"newer version recorded", NewMemVersionStore(3), "", 5},
		{"first boot recorded", NewMemVersionStore(0), "", 5},
		{"store unreadable", broken, "stboot: FAIL rollback: reading the highest booted version: NV index not defined", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := newServer(t, p, nil)
			e := newEnv(t, root, srv.URL+"/manx.json")
			e.versions = tt.store
			err := e.run(t)
			lines := e.lines()
			if tt.wantLast == "" {
				if err != nil {
					t.Fatalf("Run(%s) = %v, want success", tt.name, err)
				}
				if !e.kexec.execd {
					t.Errorf("Run(%s) did not kexec", tt.name)
				}
			} else {
				var se *Error
				if !errors.As(err, &se) || se.Step != StepRollback {
					t.Fatalf("Run(%s) = %v, want an *Error at step %s", tt.name, err, StepRollback)
				}
				if last := lines[len(lines)-1]; last != tt.wantLast {
					t.Errorf("Run(%s) last line = %q, want %q", tt.name, last, tt.wantLast)
				}
				if e.kexec.loaded || slices.Contains(lines, MarkerVerified) {
					t.Errorf("Run(%s) loaded or printed %q after a rollback refusal", tt.name, MarkerVerified)
				}
			}
			tt.store.Err = nil
			if got, _ := tt.store.Highest(); got != tt.want {
				t.Errorf("Run(%s): highest booted version %d, want %d", tt.name, got, tt.want)
			}
		})
	}
}

// TestRunRecordFails: a version that cannot be recorded is not booted.
func TestRunRecordFails(t *testing.T) {
	root := testutil.Ed25519Cert(t, "Root", 1, epoch, nil)
	srv := newServer(t, makePkg(t, testutil.Ed25519Cert(t, "Signer", 2, epoch, root)), nil)
	e := newEnv(t, root, srv.URL+"/manx.json")
	e.versions = &failingRecord{}
	err := e.run(t)
	lines := e.lines()
	if want := "stboot: FAIL rollback: recording pkg_version 5 as booted: write-protected"; lines[len(lines)-1] != want || err == nil || e.kexec.execd {
		t.Errorf("Run() = %v, last line %q, execd %v; want %q and no kexec", err, lines[len(lines)-1], e.kexec.execd, want)
	}
}

type failingRecord struct{}

func (failingRecord) Highest() (uint64, error) { return 0, nil }
func (failingRecord) Record(uint64) error      { return errors.New("write-protected") }

// TestRunPrintsStatement: the verified label, pkg_version and not_after
// are on the console.
func TestRunPrintsStatement(t *testing.T) {
	root := testutil.Ed25519Cert(t, "Root", 1, epoch, nil)
	rel := ospkg.Release{Label: "Manx v1.2.3", Version: 1763900000, NotAfter: epoch.AddDate(1, 0, 0)}
	srv := newServer(t, makeRelease(t, rel, testutil.Ed25519Cert(t, "Signer", 2, epoch, root)), nil)
	e := newEnv(t, root, srv.URL+"/manx.json")
	if err := e.run(t); err != nil {
		t.Fatal(err)
	}
	want := `stboot: OS package "Manx v1.2.3" pkg_version 1763900000, not_after 2027-01-02T03:04:05Z: kernel 2100 bytes, initramfs 800 bytes, cmdline "console=ttyS0 manx.test=poweroff"`
	if !slices.Contains(e.lines(), want) {
		t.Errorf("console lacks %q", want)
	}
}

// editDescriptor parses desc, applies edit and marshals it again.
func editDescriptor(t *testing.T, desc []byte, edit func(*ospkg.Descriptor)) []byte {
	t.Helper()
	d, err := ospkg.ParseDescriptor(desc)
	if err != nil {
		t.Fatal(err)
	}
	edit(d)
	b, err := d.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// formatV1 is desc as format version 1 (System Transparency's).
func formatV1(t *testing.T, desc []byte) []byte {
	return editDescriptor(t, desc, func(d *ospkg.Descriptor) { d.Version = 1 })
}

// closedURL returns the URL of a server that has been shut down.
func closedURL(t *testing.T) string {
	s := httptest.NewServer(http.NotFoundHandler())
	u := s.URL
	s.Close()
	return u
}

func cmpOr(a, b time.Duration) time.Duration {
	if a != 0 {
		return a
	}
	return b
}
