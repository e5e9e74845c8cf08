package pins

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// versionsRoot is a repository with a pin list, go.mod and a toolchain lock.
func versionsRoot(t *testing.T, lock string) string {
	t.Helper()
	root := t.TempDir()
	pinsJSON := `{"pins":[{"name":"linux","version":"6.12","archive":"debian","path":"pool/main/l/linux/linux_6.12.orig.tar.xz","sha256":"` +
		strings.Repeat("0", 64) + `","size":3,"origin":"test"}]}`
	os.WriteFile(filepath.Join(root, File), []byte(pinsJSON), 0o644)
	os.WriteFile(filepath.Join(root, "go.mod"), []byte("module m\n"), 0o644)
	if lock != "" {
		os.MkdirAll(filepath.Join(root, filepath.Dir(ToolchainLockFile)), 0o755)
		os.WriteFile(filepath.Join(root, ToolchainLockFile), []byte(lock), 0o644)
	}
	return root
}

// lockWith is a toolchain lock holding the main packages (other fields as
// the real lock has them, which readToolchainLock ignores).
func lockWith(skip string) string {
	var b strings.Builder
	b.WriteString(`{"suite":"bookworm","packages":[`)
	for i, n := range append([]string{"apt"}, MainToolchainPackages...) {
		if n == skip {
			continue
		}
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"name":"` + n + `","version":"1.0-` + n + `","path":"pool/x.deb","size":1}`)
	}
	b.WriteString("]}\n")
	return b.String()
}

func TestVersionsListLockedToolchain(t *testing.T) {
	root := versionsRoot(t, lockWith(""))
	if err := WriteVersionsMD(root, []string{"nasm", "gcc"}); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(root, VersionsFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"| gcc | 1.0-gcc |\n", "| binutils | 1.0-binutils |\n", "| nasm | 1.0-nasm |\n", "| acpica-tools | 1.0-acpica-tools |\n",
		"| python3 | 1.0-python3 |\n", "| make | 1.0-make |\n", "`" + ToolchainLockFile + "`", ": 9 packages",
		"- gcc\n- nasm\n",
	} {
		if !bytes.Contains(got, []byte(want)) {
			t.Errorf("VERSIONS.md lacks %q:\n%s", want, got)
		}
	}
	if bytes.Contains(got, []byte("| apt |")) {
		t.Error("VERSIONS.md lists a package that is not a main one")
	}
	if err := CheckVersionsMD(root, []string{"gcc", "nasm"}); err != nil {
		t.Errorf("CheckVersionsMD(fresh) = %v", err)
	}
	os.WriteFile(filepath.Join(root, ToolchainLockFile), []byte(strings.Replace(lockWith(""), "1.0-nasm", "2.0-nasm", 1)), 0o644)
	if err := CheckVersionsMD(root, []string{"gcc", "nasm"}); err == nil || !strings.Contains(err.Error(), "stale") {
		t.Errorf("CheckVersionsMD(after a lock change) = %v, want stale", err)
	}
}

func TestVersionsLockErrors(t *testing.T) {
	tests := []struct {
		name, lock, want string
	}{
		{"no lock", "", "reading the toolchain lock"},
		{"not json", "{", ToolchainLockFile},
		{"no packages", `{"packages":[]}`, ToolchainLockFile + ": no packages"},
		{"no version", `{"packages":[{"name":"gcc"}]}`, "package 0 has no name or version"},
		{"main package missing", lockWith("nasm"), ToolchainLockFile + " locks no nasm"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := WriteVersionsMD(versionsRoot(t, tt.lock), []string{"nasm"})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("WriteVersionsMD() = %v, want an error containing %q", err, tt.want)
			}
		})
	}
}
