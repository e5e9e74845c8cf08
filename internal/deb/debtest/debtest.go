// Package debtest provides the pinned systemd-boot-efi package to tests, in one place so
// the project's pinned fetcher can replace the download below without touching tests.
//
// The package comes from the file named by MANX_TEST_SYSTEMD_BOOT_DEB or, when that is
// unset, is downloaded once with `apt-get download` into a cache directory under
// os.TempDir. Its sha256 is checked on every use.
package debtest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"manx/internal/deb"
)

// Pinned systemd-boot-efi package (pins.json entry "systemd-boot-efi"); the stub file
// inside it is StubPath.
const (
	EnvDeb        = "MANX_TEST_SYSTEMD_BOOT_DEB"
	Package       = "systemd-boot-efi"
	Version       = "254.26-1~bpo12+1"
	FileName      = "systemd-boot-efi_254.26-1~bpo12+1_amd64.deb"
	PoolPath      = "pool/main/s/systemd/" + FileName
	SHA256        = "aef15d1d12fb9ba9674ed93595ce2659533ae75ab1379b2f960f511b577e8c96"
	StubPath      = "usr/lib/systemd/boot/efi/linuxx64.efi.stub"
	cacheDirName  = "manx-testfix-cache"
	aptGetCommand = "apt-get"
)

// SystemdBootDeb returns the path of the pinned systemd-boot-efi .deb. It skips the test
// when the package is neither configured nor downloadable, and fails it when the file
// does not have the pinned sha256.
func SystemdBootDeb(t testing.TB) string {
	t.Helper()
	if p := os.Getenv(EnvDeb); p != "" {
		if err := checkSHA256(p); err != nil {
			t.Fatalf("%s=%s: %v", EnvDeb, p, err)
		}
		return p
	}
	dir := filepath.Join(os.TempDir(), cacheDirName)
	p := filepath.Join(dir, FileName)
	if _, err := os.Stat(p); err == nil {
		if err := checkSHA256(p); err != nil {
			t.Fatalf("cached %s: %v (remove it to download again)", p, err)
		}
		return p
	}
	if _, err := exec.LookPath(aptGetCommand); err != nil {
		t.Skipf("%s unset and %s not found: cannot get %s", EnvDeb, aptGetCommand, FileName)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("creating cache dir: %v", err)
	}
	// Download into a private directory and rename, so concurrent test binaries never
	// see a partial file.
	tmp, err := os.MkdirTemp(dir, "dl-")
	if err != nil {
		t.Fatalf("creating download dir: %v", err)
	}
	defer os.RemoveAll(tmp)
	cmd := exec.Command(aptGetCommand, "download", Package+"="+Version)
	cmd.Dir = tmp
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Skipf("%s unset and `apt-get download %s=%s` failed: %v\n%s", EnvDeb, Package, Version, err, out.Bytes())
	}
	got := filepath.Join(tmp, FileName)
	if err := checkSHA256(got); err != nil {
		t.Fatalf("downloaded %s: %v", FileName, err)
	}
	if err := os.Rename(got, p); err != nil {
		t.Fatalf("moving %s into the cache: %v", FileName, err)
	}
	return p
}

// SystemdStub returns the bytes of linuxx64.efi.stub from the pinned package.
func SystemdStub(t testing.TB) []byte {
	t.Helper()
	p := SystemdBootDeb(t)
	f, err := os.Open(p)
	if err != nil {
		t.Fatalf("opening %s: %v", p, err)
	}
	defer f.Close()
	files, err := deb.Extract(f, StubPath)
	if err != nil {
		t.Fatalf("deb.Extract(%s, %s) = %v", p, StubPath, err)
	}
	return files[StubPath]
}

func checkSHA256(p string) error {
	b, err := os.ReadFile(p)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(b)
	if got := hex.EncodeToString(sum[:]); got != SHA256 {
		return fmt.Errorf("sha256 = %s, want %s", got, SHA256)
	}
	return nil
}
