package fetch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"manx/internal/pins"
	"manx/internal/testutil"
)

var payload = []byte(strings.Repeat("manx cat ", 1000))

func testPin() pins.Pin {
	s := sha256.Sum256(payload)
	return pins.Pin{Name: "cat", Version: "1", Archive: "debian", Path: "pool/main/c/cat/cat_1.orig.tar.xz", SHA256: hex.EncodeToString(s[:]), Size: int64(len(payload))}
}

func testFetcher(t *testing.T, base string) *Fetcher {
	t.Helper()
	return &Fetcher{
		CacheDir: t.TempDir(),
		Mirrors:  func(string) ([]string, error) { return []string{base}, nil },
		Log:      testutil.Logger(t),
		RetryMax: 3,
		WaitMin:  10 * time.Millisecond,
		WaitMax:  50 * time.Millisecond,
		Timeout:  5 * time.Second,
	}
}

// cacheEmpty reports whether the downloads area holds no file.
func cacheEmpty(t *testing.T, f *Fetcher) bool {
	t.Helper()
	n := 0
	filepath.Walk(f.CacheDir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			n++
		}
		return nil
	})
	return n == 0
}

func TestGetRetriesThenSucceeds(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		w.Write(payload)
	}))
	defer srv.Close()
	f := testFetcher(t, srv.URL)
	p := testPin()
	path, err := f.Get(context.Background(), p)
	if err != nil {
		t.Fatalf("Get() = %v, want success after a retry", err)
	}
	if got := calls.Load(); got != 2 {
		t.Errorf("server calls = %d, want 2 (503 then 200)", got)
	}
	b, _ := os.ReadFile(path)
	if string(b) != string(payload) {
		t.Errorf("cached bytes differ from payload")
	}
	// A second Get is served from the cache.
	if _, err := f.Get(context.Background(), p); err != nil || calls.Load() != 2 {
		t.Errorf("second Get() = %v with %d calls, want cache hit", err, calls.Load())
	}
}

func TestGetRefusesWrongBytes(t *testing.T) {
	wrong := append([]byte(nil), payload...)
	wrong[10] ^= 1
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(wrong)
	}))
	defer srv.Close()
	f := testFetcher(t, srv.URL)
	p := testPin()
	_, err := f.Get(context.Background(), p)
	if !errors.Is(err, ErrDigest) {
		t.Fatalf("Get() = %v, want ErrDigest", err)
	}
	got := sha256.Sum256(wrong)
	for _, want := range []string{"pin cat", p.SHA256, hex.EncodeToString(got[:]), srv.URL + "/" + p.Path} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
	if !cacheEmpty(t, f) {
		t.Error("a refused download left files in the cache")
	}
}

func TestGetTruncatedBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "9000")
		w.Write(payload[:100])
	}))
	defer srv.Close()
	f := testFetcher(t, srv.URL)
	_, err := f.Get(context.Background(), testPin())
	if err == nil || !strings.Contains(err.Error(), "pin cat") {
		t.Fatalf("Get() = %v, want an error naming the pin", err)
	}
	if !cacheEmpty(t, f) {
		t.Error("a truncated download left files in the cache")
	}
}

func TestGetServerDown(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	f := testFetcher(t, "http://"+addr)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err = f.Get(ctx, testPin())
	if err == nil || !strings.Contains(err.Error(), "connection refused") || !strings.Contains(err.Error(), "pin cat") {
		t.Fatalf("Get() = %v, want a connection-refused error naming the pin", err)
	}
	if ctx.Err() != nil {
		t.Errorf("Get() only returned at the context deadline: retries are not bounded")
	}
	if !cacheEmpty(t, f) {
		t.Error("a failed download left files in the cache")
	}
}

func TestGetFallsBackToNextMirror(t *testing.T) {
	bad := httptest.NewServer(http.NotFoundHandler())
	defer bad.Close()
	good := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(payload) }))
	defer good.Close()
	f := testFetcher(t, "")
	f.Mirrors = func(string) ([]string, error) { return []string{bad.URL, good.URL}, nil }
	if _, err := f.Get(context.Background(), testPin()); err != nil {
		t.Fatalf("Get() = %v, want success from the second mirror", err)
	}
}

// TestGetReverifiesCache: a cached copy with one byte flipped (same size)
// is caught on the next Get, deleted and downloaded again.
func TestGetReverifiesCache(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Write(payload)
	}))
	defer srv.Close()
	f := testFetcher(t, srv.URL)
	p := testPin()
	path, err := f.Get(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 1
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Get(context.Background(), p); err != nil {
		t.Fatalf("Get(corrupt cache) = %v, want a fresh download", err)
	}
	if got := calls.Load(); got != 2 {
		t.Errorf("server calls = %d, want 2 (the corrupt copy downloaded again)", got)
	}
	if b, _ := os.ReadFile(path); string(b) != string(payload) {
		t.Error("the cache still holds the corrupt bytes")
	}
}

// TestGetCorruptCacheUnfetchable: a corrupt cached copy whose pin no
// mirror serves is an error, and the corrupt copy is gone.
func TestGetCorruptCacheUnfetchable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	f := testFetcher(t, srv.URL)
	p := testPin()
	path := f.CachePath(p)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	bad := []byte(strings.Repeat("x", len(payload)))
	if err := os.WriteFile(path, bad, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Get(context.Background(), p); err == nil {
		t.Fatal("Get(corrupt cache, 404) = nil error")
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("corrupt cached copy still there: %v", err)
	}
}
