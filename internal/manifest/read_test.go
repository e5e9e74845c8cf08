package manifest

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestReadGolden(t *testing.T) {
	got, err := Read(golden)
	if err != nil {
		t.Fatalf("Read(%s) error = %v", golden, err)
	}
	if diff := cmp.Diff(canonical(), got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("Read(%s) differs from sample (-want +got):\n%s", golden, diff)
	}
}

// mutate returns the golden file with old replaced by new (exactly once).
func mutate(t *testing.T, old, new string) []byte {
	t.Helper()
	b, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(string(b), old) != 1 {
		t.Fatalf("golden file has %d copies of %q, want 1", strings.Count(string(b), old), old)
	}
	return []byte(strings.Replace(string(b), old, new, 1))
}

func TestParseErrors(t *testing.T) {
	kernelSHA := sum("kernel")
	tests := []struct {
		name string
		old  string // replaced in the golden file...
		new  string // ...by this
		want string // in the error
	}{
		{"unknown top-level field", `"arch": "x86_64",`, `"arch": "x86_64", "signed": true,`, `top level: unknown field "signed"`},
		{"unknown entry field", `"name": "kernel",`, `"name": "kernel", "sha512": "",`, `artefacts[1]: unknown field "sha512"`},
		{"unknown pin field", `"name": "edk2",`, `"name": "edk2", "version": "2025.11",`, `artefacts[2].pins[0]: unknown field "version"`},
		{"duplicate key", `"name": "kernel",`, `"name": "kernel", "name": "kernel",`, `artefacts[1]: duplicate key "name"`},
		{"duplicate top-level key", `"arch": "x86_64",`, `"arch": "x86_64", "arch": "aarch64",`, `top level: duplicate key "arch"`},
		{"uppercase hex", kernelSHA, strings.ToUpper(kernelSHA), `artefact 1 ("kernel"): sha256`},
		{"short hex", kernelSHA, kernelSHA[:63], `artefact 1 ("kernel"): sha256`},
		{"non-hex", kernelSHA, "z" + kernelSHA[1:], `want 64 lowercase hex digits`},
		{"bad pin hex", `"926f148812c1`, `"926f148812cX`, `artefact 2 ("ovmf-pflash-code"): pins[0] ("edk2") sha256`},
		{"duplicate name", `"name": "ovmf-pflash-code",`, `"name": "kernel",`, `artefact 2 ("kernel"): duplicate name`},
		{"unsorted", `"name": "initramfs",`, `"name": "zz-initramfs",`, `artefact 1 ("kernel"): not sorted by name (after "zz-initramfs")`},
		{"duplicate path", `"path": "kernel/bzImage",`, `"path": "userland/initramfs.cpio.gz",`, `path "userland/initramfs.cpio.gz" already used by "initramfs"`},
		{"absolute path", `"path": "kernel/bzImage",`, `"path": "/build/kernel/bzImage",`, `artefact 1 ("kernel"): path "/build/kernel/bzImage"`},
		{"path outside build", `"path": "kernel/bzImage",`, `"path": "../kernel/bzImage",`, `want a clean slash-separated path`},
		{"unclean path", `"path": "kernel/bzImage",`, `"path": "kernel//bzImage",`, `want a clean slash-separated path`},
		{"negative size", `"size": 2097152,`, `"size": -1,`, `artefact 1 ("kernel"): size -1`},
		{"name with space", `"name": "kernel",`, `"name": "the kernel",`, `artefact 1 ("the kernel"): name`},
		{"duplicate key name", `"name": "kek",`, `"name": "db",`, `keys[1] ("db"): duplicate name`},
		{"schema", `"schema": 2,`, `"schema": 1,`, `schema 1: want 2`},
		{"entry without version", `"version": "g0000000000a2"`, `"version": ""`, `artefact 1 ("kernel"): version ""`},
		{"entry negative epoch", `"source_date_epoch": 1767100000,`, `"source_date_epoch": -1,`, `artefact 1 ("kernel"): source_date_epoch -1`},
		{"missing version", `"version": "g1632351a2b3c",`, ``, `version "": want a non-empty string`},
		{"empty toolchain", `"toolchain": "debian-bookworm-61e81ec8f997e451",`, `"toolchain": " ",`, `toolchain " "`},
		{"negative epoch", `"source_date_epoch": 1767225600,`, `"source_date_epoch": -5,`, `source_date_epoch -5`},
		{"epoch as string", `"source_date_epoch": 1767225600,`, `"source_date_epoch": "1767225600",`, `decoding`},
		{"bad arch", `"arch": "x86_64",`, `"arch": "x86-64",`, `arch "x86-64"`},
		{"trailing data", "  ]\n}\n", "  ]\n}\n{}", `trailing data`},
		{"truncated", "  ]\n}\n", "  ]\n", `unexpected end of JSON`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(mutate(t, tt.old, tt.new))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Parse(%s) = %v, want an error containing %q", tt.name, err, tt.want)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("Parse(%s) = %v, want it to wrap ErrInvalid", tt.name, err)
			}
		})
	}
}

func TestParseOther(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"empty", ``, `unexpected end of JSON`},
		{"not an object", `[]`, `decoding`},
		{"no artefacts", `{"schema":2,"arch":"x86_64","source_date_epoch":0,"version":"dev","toolchain":"host","artefacts":[]}`, `no artefacts`},
		{"null", `null`, `schema 0`},
		{"too large", strings.Repeat(" ", MaxSize+1), `larger than`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse(%s) = %v, want an error containing %q", tt.name, err, tt.want)
			}
		})
	}
}

func TestReadNamesFileAndEntry(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x86_64.json")
	if err := os.WriteFile(path, mutate(t, `"size": 2097152,`, `"size": -1,`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Read(path)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), `"kernel"`) {
		t.Errorf("Read(bad size) = %v, want an error naming %s and \"kernel\"", err, path)
	}
	missing := filepath.Join(t.TempDir(), "none.json")
	if _, err := Read(missing); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Read(%s) = %v, want os.ErrNotExist", missing, err)
	}
}
