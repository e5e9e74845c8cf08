package deb_test

import (
	"bytes"
	"os"
	"os/exec"
	"testing"

	"manx/internal/deb"
	"manx/internal/deb/debtest"
)

// TestExtractPinnedStub extracts the systemd stub from the pinned package and, when
// dpkg-deb is installed, compares it with what dpkg-deb and tar extract (oracle).
func TestExtractPinnedStub(t *testing.T) {
	p := debtest.SystemdBootDeb(t)
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	files, err := deb.Extract(f, debtest.StubPath)
	if err != nil {
		t.Fatalf("Extract(%s) = %v", debtest.StubPath, err)
	}
	stub := files[debtest.StubPath]
	if !bytes.HasPrefix(stub, []byte("MZ")) {
		t.Fatalf("Extract(%s) starts with %q, want \"MZ\"", debtest.StubPath, stub[:min(len(stub), 2)])
	}

	if _, err := exec.LookPath("dpkg-deb"); err != nil {
		t.Skip("dpkg-deb not installed: oracle comparison skipped")
	}
	cmd := exec.Command("sh", "-c", `dpkg-deb --fsys-tarfile "$1" | tar -xOf - "./$2"`, "sh", p, debtest.StubPath)
	want, err := cmd.Output()
	if err != nil {
		t.Fatalf("dpkg-deb oracle: %v", err)
	}
	if !bytes.Equal(stub, want) {
		t.Errorf("Extract(%s) = %d bytes, want the %d bytes dpkg-deb extracts", debtest.StubPath, len(stub), len(want))
	}
	t.Logf("stub: %d bytes, identical to dpkg-deb", len(stub))
}
