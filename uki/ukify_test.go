package uki

import (
	"bytes"
	"debug/pe"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestBuildMatchesUkify is a differential test against systemd 254's ukify (the script
// /lib/systemd/ukify from Debian's systemd_254.26-1~bpo12+1 package, which needs
// python3-pefile). Set MANX_TEST_UKIFY to the script's path to run it, and
// MANX_TEST_UKIFY_PYTHON to an interpreter with pefile if /usr/bin/python3 lacks it. ukify keeps the
// stub's TimeDateStamp, so the Go build uses that time too; everything else must be
// byte-identical.
func TestBuildMatchesUkify(t *testing.T) {
	ukify := os.Getenv("MANX_TEST_UKIFY")
	if ukify == "" {
		t.Skip("MANX_TEST_UKIFY unset: ukify differential test skipped")
	}
	// Debian's python3-pefile installs for the system interpreter, which a PATH
	// python3 (pyenv, venv) may not be.
	python := os.Getenv("MANX_TEST_UKIFY_PYTHON")
	if python == "" {
		python = "/usr/bin/python3"
	}
	spec := testSpec(t)
	stub, err := pe.NewFile(bytes.NewReader(spec.Stub))
	if err != nil {
		t.Fatalf("debug/pe.NewFile(stub) = %v", err)
	}
	spec.Time = time.Unix(int64(stub.TimeDateStamp), 0)

	dir := t.TempDir()
	files := map[string][]byte{
		"stub": spec.Stub, "linux": spec.Linux, "initrd": spec.Initrd,
		"cmdline": []byte(spec.Cmdline), "osrel": []byte(spec.OSRelease),
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(dir, "ukify.efi")
	cmd := exec.Command(python, ukify, "build",
		"--stub="+filepath.Join(dir, "stub"),
		"--linux="+filepath.Join(dir, "linux"),
		"--initrd="+filepath.Join(dir, "initrd"),
		"--cmdline=@"+filepath.Join(dir, "cmdline"),
		"--os-release=@"+filepath.Join(dir, "osrel"),
		"--uname="+spec.Uname,
		"--efi-arch=x64",
		"--output="+out)
	log, err := cmd.CombinedOutput()
	t.Logf("%s:\n%s", cmd, log)
	if err != nil {
		t.Fatalf("ukify: %v", err)
	}
	want, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Assemble(spec)
	if err != nil {
		t.Fatalf("Assemble() = %v", err)
	}
	if !bytes.Equal(got, want) {
		n := 0
		for n < min(len(got), len(want)) && got[n] == want[n] {
			n++
		}
		t.Fatalf("Assemble() = %d bytes, ukify %d bytes; first difference at %#x", len(got), len(want), n)
	}
}
