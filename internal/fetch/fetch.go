// Package fetch downloads pinned inputs from the Debian mirrors the host's apt
// is configured with, verifies their sha256 before anything uses them, and
// keeps them in a content-addressed cache.
package fetch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"manx/internal/atomicfile"
	"manx/internal/pins"
)

// Fetcher downloads pins into a cache.
type Fetcher struct {
	CacheDir string // downloads live in CacheDir/downloads/<sha256>/<file>
	Mirrors  func(archive string) ([]string, error)
	Log      *slog.Logger // also given to go-retryablehttp (as a pointer: it is a LeveledLogger)
	RetryMax int          // retries per mirror after the first attempt
	WaitMin  time.Duration
	WaitMax  time.Duration
	Timeout  time.Duration // per attempt, until response headers arrive
}

// New returns a Fetcher with production settings using the host's apt sources.
func New(cacheDir string, log *slog.Logger) *Fetcher {
	return &Fetcher{
		CacheDir: cacheDir,
		Mirrors:  func(a string) ([]string, error) { return Mirrors(a, DefaultAptConfig) },
		Log:      log,
		RetryMax: 4,
		WaitMin:  500 * time.Millisecond,
		WaitMax:  8 * time.Second,
		Timeout:  30 * time.Second,
	}
}

// CachePath is where a verified pin lives.
func (f *Fetcher) CachePath(p pins.Pin) string {
	return filepath.Join(f.CacheDir, "downloads", p.SHA256, p.FileName())
}

// Get returns the path of the verified pin, downloading it if needed. A
// cached copy is re-hashed on every Get (the cache may have been restored
// from elsewhere, or corrupted): one that does not match its pin is deleted,
// with a warning naming the digest it had, and downloaded again.
func (f *Fetcher) Get(ctx context.Context, p pins.Pin) (string, error) {
	dst := f.CachePath(p)
	switch got, err := fileSHA256(dst); {
	case err == nil && got == p.SHA256:
		return dst, nil
	case err == nil:
		f.Log.Warn("Cached download does not match its pin: deleting it and downloading again",
			"pin", p.Name, "path", dst, "want", p.SHA256, "got", got)
		if err := os.Remove(dst); err != nil {
			return "", fmt.Errorf("pin %s: removing the corrupt cached copy: %w", p.Name, err)
		}
	case !errors.Is(err, fs.ErrNotExist):
		return "", fmt.Errorf("pin %s: reading the cached copy: %w", p.Name, err)
	}
	mirrors, err := f.Mirrors(p.Archive)
	if err != nil {
		return "", fmt.Errorf("pin %s: %w", p.Name, err)
	}
	var errs []error
	for _, m := range mirrors {
		url := m + "/" + p.Path
		err := f.download(ctx, p, url, dst)
		if err == nil {
			return dst, nil
		}
		errs = append(errs, err)
		if ctx.Err() != nil {
			break
		}
	}
	return "", errors.Join(errs...)
}

// fileSHA256 hashes a file, streaming it.
func fileSHA256(path string) (string, error) {
	fh, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer fh.Close()
	h := sha256.New()
	if _, err := io.Copy(h, fh); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// ErrDigest reports bytes that do not match their pin.
var ErrDigest = errors.New("sha256 mismatch")

func (f *Fetcher) download(ctx context.Context, p pins.Pin, url, dst string) (err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("pin %s (%s): %w", p.Name, url, err)
		}
	}()
	c := retryablehttp.NewClient()
	c.Logger = f.Log
	c.RetryMax = f.RetryMax
	c.RetryWaitMin, c.RetryWaitMax = f.WaitMin, f.WaitMax
	c.HTTPClient.Transport.(*http.Transport).ResponseHeaderTimeout = f.Timeout
	c.ErrorHandler = retryablehttp.PassthroughErrorHandler
	req, err := retryablehttp.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	f.Log.Info("Downloading", "pin", p.Name, "url", url, "size", p.Size)
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %s", resp.Status)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	h := sha256.New()
	pr := &progress{log: f.Log, name: p.Name, total: p.Size, next: time.Now().Add(5 * time.Second)}
	err = atomicfile.WriteFunc(dst, 0o644, func(w io.Writer) error {
		n, err := io.Copy(io.MultiWriter(w, h, pr), io.LimitReader(resp.Body, p.Size+1))
		if err != nil {
			return fmt.Errorf("reading body after %d bytes: %w", n, err)
		}
		if n != p.Size {
			return fmt.Errorf("size %d, want %d (truncated or wrong file)", n, p.Size)
		}
		if got := hex.EncodeToString(h.Sum(nil)); got != p.SHA256 {
			return fmt.Errorf("%w: want %s, got %s", ErrDigest, p.SHA256, got)
		}
		return nil
	})
	if err != nil {
		os.Remove(filepath.Dir(dst)) // only succeeds when empty
		return err
	}
	f.Log.Info("Verified", "pin", p.Name, "sha256", p.SHA256)
	return nil
}

// progress logs a line every few seconds for large downloads.
type progress struct {
	log   *slog.Logger
	name  string
	total int64
	done  int64
	next  time.Time
}

func (p *progress) Write(b []byte) (int, error) {
	p.done += int64(len(b))
	if now := time.Now(); now.After(p.next) {
		p.next = now.Add(5 * time.Second)
		p.log.Info("Download progress", "pin", p.name, "percent", p.done*100/max(p.total, 1))
	}
	return len(b), nil
}
