// Package snptest gives tests access to Manx's shared SEV-SNP reference vectors
// (shared/testdata/snp, beside the repository root as ../shared). The vectors were
// computed with virtee/sev-snp-measure; see that folder's README for provenance.
//
// Missing reference data fails the test: it is never skipped.
package snptest

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// Vector is one row of vectors.json.
type Vector struct {
	ID            int    `json:"id"`
	OVMF          string `json:"ovmf"`
	VCPUs         int    `json:"vcpus"`
	VCPUType      string `json:"vcpu_type"`
	GuestFeatures string `json:"guest_features"`
	// Kernel, Initrd and Append are file names (in Dir) and the -append string;
	// an empty Kernel means firmware-only measurement.
	Kernel      string `json:"kernel"`
	Initrd      string `json:"initrd"`
	Append      string `json:"append"`
	Measurement string `json:"measurement"`
}

// Dir returns the directory holding vectors.json and its inputs, found as
// ../shared/testdata/snp relative to the module root (the nearest directory
// above the working directory that holds go.mod).
func Dir(tb testing.TB) string {
	tb.Helper()
	dir, err := findDir()
	if err != nil {
		tb.Fatalf("locating SEV-SNP reference vectors: %v", err)
	}
	return dir
}

func findDir() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	root := wd
	for {
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(root)
		if parent == root {
			return "", fmt.Errorf("no go.mod above %s", wd)
		}
		root = parent
	}
	dir := filepath.Join(filepath.Dir(root), "shared", "testdata", "snp")
	if _, err := os.Stat(filepath.Join(dir, "vectors.json")); err != nil {
		return "", fmt.Errorf("module root %s: %w", root, err)
	}
	return dir, nil
}

// ReadFile returns the contents of a file in Dir.
func ReadFile(tb testing.TB, name string) []byte {
	tb.Helper()
	if name == "" || filepath.Base(name) != name {
		tb.Fatalf("snptest.ReadFile(%q): want a plain file name", name)
	}
	b, err := os.ReadFile(filepath.Join(Dir(tb), name))
	if err != nil {
		tb.Fatalf("reading SEV-SNP test input: %v", err)
	}
	return b
}

// Vectors returns every row of vectors.json; an empty or unreadable file fails tb.
func Vectors(tb testing.TB) []Vector {
	tb.Helper()
	vs, err := parseVectors(ReadFile(tb, "vectors.json"))
	if err != nil {
		tb.Fatalf("reading vectors.json: %v", err)
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
