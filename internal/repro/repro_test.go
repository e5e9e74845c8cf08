package repro

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

func TestCopyRepo(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	src := t.TempDir()
	run := func(args ...string) {
		cmd := exec.Command("git", append([]string{"-C", src}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	run("init", "-q")
	os.WriteFile(filepath.Join(src, ".gitignore"), []byte("build/\n"), 0o644)
	os.MkdirAll(filepath.Join(src, "a", "build"), 0o755)
	os.WriteFile(filepath.Join(src, "a", "tracked.go"), []byte("package a"), 0o644)
	os.WriteFile(filepath.Join(src, "a", "build", "out"), []byte("ignored"), 0o644)
	os.WriteFile(filepath.Join(src, "script.sh"), []byte("#!/bin/sh"), 0o755)
	run("add", "a/tracked.go", ".gitignore")
	dst := filepath.Join(t.TempDir(), "copy")
	if err := CopyRepo(context.Background(), src, dst); err != nil {
		t.Fatal(err)
	}
	if same, err := SameFile(filepath.Join(src, "a", "tracked.go"), filepath.Join(dst, "a", "tracked.go")); err != nil || !same {
		t.Errorf("tracked file not copied: %v", err)
	}
	if st, err := os.Stat(filepath.Join(dst, "script.sh")); err != nil || st.Mode().Perm() != 0o755 {
		t.Errorf("untracked file not copied with its mode: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dst, "a", "build", "out")); !os.IsNotExist(err) {
		t.Errorf("ignored file copied: %v", err)
	}
}
