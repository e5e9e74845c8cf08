// Package snptest gives tests Manx's SEV-SNP reference vectors and their inputs.
//
// The vectors (vectors.json, computed with virtee/sev-snp-measure --mode snp) and
// their provenance live in the repository, in firmware/snp/testdata/vectors; that
// folder's README states the command that produced them. The inputs are not
// stored: kernel.bin and initrd.img are generated here, and OVMF.amdsev.fd is
// extracted from the Debian package pinned as OVMFPin in pins.json, fetched
// through Manx's pinned fetcher (the host's Debian mirror, verified by sha256,
// cached in $XDG_CACHE_HOME/manx). Every input's sha256 is checked before use.
//
// Missing reference data fails the test: it is never skipped.
package snptest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"manx/internal/buildenv"
	"manx/internal/deb"
	"manx/internal/fetch"
	"manx/internal/pins"
)

// VectorsDir is the folder holding vectors.json and its README, relative to the
// repository root.
const VectorsDir = "firmware/snp/testdata/vectors"

// Input file names, as vectors.json names them.
const (
	OVMFFile   = "OVMF.amdsev.fd"
	KernelFile = "kernel.bin"
	InitrdFile = "initrd.img"
	vectorFile = "vectors.json"
)

// The firmware comes from the pinned Debian package OVMFPin (pins.json), file
// OVMFPath inside it.
const (
	OVMFPin    = "ovmf-amdsev"
	OVMFPath   = "usr/share/ovmf/OVMF.amdsev.fd"
	OVMFSHA256 = "3e4fd0b3fe3b2dbe481c3d9e99418a034174f26cbe1f55aa212b0f18c12d2d6f"
)

// SHA-256 of the generated inputs (see Kernel and Initrd).
const (
	KernelSHA256 = "510b126e1d4ced49107fe4ab03ee54cb1c8e4caf6064e1dd29c48d4a3e74c38b"
	InitrdSHA256 = "cf9414d4174462c84c0fe82861918e057ed212db7194e0a32de0a33fab30f6c1"
)

// Vector is one row of vectors.json.
type Vector struct {
	ID            int    `json:"id"`
	OVMF          string `json:"ovmf"`
	VCPUs         int    `json:"vcpus"`
	VCPUType      string `json:"vcpu_type"`
	GuestFeatures string `json:"guest_features"`
	// Kernel, Initrd and Append are input file names (see ReadFile) and the
	// -append string; an empty Kernel means firmware-only measurement.
	Kernel      string `json:"kernel"`
	Initrd      string `json:"initrd"`
	Append      string `json:"append"`
	Measurement string `json:"measurement"`
}

// Kernel returns the synthetic kernel.bin: 65536 bytes, byte i = (7*i+3) mod 256.
func Kernel() []byte { return pattern(65536, 7, 3) }

// Initrd returns the synthetic initrd.img: 8192 bytes, byte i = (13*i+1) mod 256.
func Initrd() []byte { return pattern(8192, 13, 1) }

func pattern(n, mul, add int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte((mul*i + add) % 256)
	}
	return b
}

// ReadFile returns one of the vectors' inputs (OVMFFile, KernelFile, InitrdFile,
// each checked against its sha256) or vectors.json itself; any other name, or an
// input that cannot be produced, fails tb. Each call returns a fresh copy.
func ReadFile(tb testing.TB, name string) []byte {
	tb.Helper()
	var (
		b   []byte
		err error
	)
	switch name {
	case vectorFile:
		b, err = readVectorsFile()
	case OVMFFile:
		b, err = firmware()
	case KernelFile:
		b, err = checked(name, Kernel(), KernelSHA256)
	case InitrdFile:
		b, err = checked(name, Initrd(), InitrdSHA256)
	default:
		tb.Fatalf("snptest.ReadFile(%q): not a reference-vector input (want %s, %s, %s or %s)", name, OVMFFile, KernelFile, InitrdFile, vectorFile)
	}
	if err != nil {
		tb.Fatalf("SEV-SNP reference input %s: %v", name, err)
	}
	return bytes.Clone(b)
}

// Dir returns a new temporary directory (removed when tb ends) holding
// vectors.json and every input it names, for tests that pass file names to a
// command.
func Dir(tb testing.TB) string {
	tb.Helper()
	dir := tb.TempDir()
	for _, name := range []string{vectorFile, OVMFFile, KernelFile, InitrdFile} {
		if err := os.WriteFile(filepath.Join(dir, name), ReadFile(tb, name), 0o644); err != nil {
			tb.Fatalf("writing SEV-SNP reference input: %v", err)
		}
	}
	return dir
}

// Vectors returns every row of vectors.json; an empty or unreadable file fails tb.
func Vectors(tb testing.TB) []Vector {
	tb.Helper()
	vs, err := parseVectors(ReadFile(tb, vectorFile))
	if err != nil {
		tb.Fatalf("reading %s/%s: %v", VectorsDir, vectorFile, err)
	}
	return vs
}

func parseVectors(b []byte) ([]Vector, error) {
	var vs []Vector
	if err := json.Unmarshal(b, &vs); err != nil {
		return nil, err
	}
	if len(vs) == 0 {
		return nil, errors.New("no vectors")
	}
	for _, v := range vs {
		if v.OVMF == "" || v.VCPUs < 1 || v.VCPUType == "" || len(v.Measurement) != 96 {
			return nil, fmt.Errorf("vector %d is incomplete: %+v", v.ID, v)
		}
	}
	return vs, nil
}

// env is the build environment of the repository holding the working directory:
// its root (for pins.json and VectorsDir) and Manx's cache directory.
var env = sync.OnceValues(func() (*buildenv.Env, error) {
	wd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	return buildenv.Load(wd)
})

func readVectorsFile() ([]byte, error) {
	e, err := env()
	if err != nil {
		return nil, fmt.Errorf("locating the repository: %w", err)
	}
	return os.ReadFile(filepath.Join(e.Root, filepath.FromSlash(VectorsDir), vectorFile))
}

// firmware fetches the pinned package once per test binary and extracts
// OVMF.amdsev.fd from it.
var firmware = sync.OnceValues(func() ([]byte, error) {
	e, err := env()
	if err != nil {
		return nil, fmt.Errorf("locating the repository: %w", err)
	}
	l, err := pins.Load(filepath.Join(e.Root, pins.File))
	if err != nil {
		return nil, err
	}
	p, err := l.Get(OVMFPin)
	if err != nil {
		return nil, err
	}
	f := fetch.New(e.CacheDir, slog.New(slog.DiscardHandler))
	f.RetryMax = 2
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	path, err := f.Get(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("fetching the pinned package %s into %s (from the Debian mirror in the host's apt sources, or MANX_DEBIAN_MIRROR): %w", p.Name, e.CacheDir, err)
	}
	fd, err := extract(path)
	if err != nil {
		return nil, err
	}
	return checked(OVMFFile, fd, OVMFSHA256)
})

// extract returns OVMFPath from the package at path.
func extract(path string) ([]byte, error) {
	r, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	files, err := deb.Extract(r, OVMFPath)
	if err != nil {
		return nil, fmt.Errorf("extracting %s from %s: %w", OVMFPath, path, err)
	}
	return files[OVMFPath], nil
}

func checked(name string, b []byte, want string) ([]byte, error) {
	sum := sha256.Sum256(b)
	if got := hex.EncodeToString(sum[:]); got != want {
		return nil, fmt.Errorf("%s: sha256 %s, want %s", name, got, want)
	}
	return b, nil
}
