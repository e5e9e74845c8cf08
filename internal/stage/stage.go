// Package stage caches build stages by their inputs: a stage's output
// directory carries a stamp with the digest of everything that went into it,
// and a stage whose stamp matches is not run again.
package stage

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"manx/internal/atomicfile"
)

const stampName = ".manx-stamp"

// Key accumulates the inputs of a stage.
type Key struct {
	h     io.Writer
	sum   func() []byte
	parts []string
}

// NewKey starts a key for the named stage.
func NewKey(stage string) *Key {
	h := sha256.New()
	k := &Key{h: h, sum: func() []byte { return h.Sum(nil) }}
	k.String("stage", stage)
	return k
}

// String adds a named string input.
func (k *Key) String(name, value string) *Key {
	fmt.Fprintf(k.h, "%s=%d:%s\n", name, len(value), value)
	k.parts = append(k.parts, name)
	return k
}

// Bytes adds a named byte input.
func (k *Key) Bytes(name string, b []byte) *Key {
	s := sha256.Sum256(b)
	return k.String(name, hex.EncodeToString(s[:]))
}

// File adds a file's contents.
func (k *Key) File(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("stage input: %w", err)
	}
	k.Bytes("file:"+filepath.Base(path), b)
	return nil
}

// Sum is the hex digest of everything added so far.
func (k *Key) Sum() string { return hex.EncodeToString(k.sum()) }

// Fresh reports whether outDir was produced from key and still holds every
// listed output.
func Fresh(outDir, key string, outputs ...string) bool {
	b, err := os.ReadFile(filepath.Join(outDir, stampName))
	if err != nil || strings.TrimSpace(string(b)) != key {
		return false
	}
	for _, o := range outputs {
		if _, err := os.Stat(filepath.Join(outDir, o)); err != nil {
			return false
		}
	}
	return true
}

// Invalidate removes the stamp before a stage starts writing.
func Invalidate(outDir string) error {
	err := os.Remove(filepath.Join(outDir, stampName))
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	return nil
}

// Done records that outDir now holds the outputs of key.
func Done(outDir, key string) error {
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	return WriteFileAtomic(filepath.Join(outDir, stampName), []byte(key+"\n"), 0o644)
}

// WriteFileAtomic creates path's directory if need be and writes data to
// path atomically with permissions mode (see manx/internal/atomicfile).
func WriteFileAtomic(path string, data []byte, mode os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return atomicfile.Write(path, data, mode)
}

// CopyFileAtomic creates dst's directory if need be and copies src to dst
// atomically with permissions mode (see manx/internal/atomicfile).
func CopyFileAtomic(src, dst string, mode os.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	return atomicfile.Copy(src, dst, mode)
}
