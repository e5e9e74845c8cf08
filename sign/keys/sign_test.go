package keys

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"manx/internal/deb/debtest"
	"manx/sign/authenticode"
)

// TestDBSignsPE checks that the generated db key signs a PE that sbverify (oracle)
// accepts with the generated db certificate.
func TestDBSignsPE(t *testing.T) {
	dir := t.TempDir()
	logger, _ := testLogger()
	set, err := Generate(dir, testEpoch, logger)
	if err != nil {
		t.Fatalf("Generate() = %v", err)
	}
	signed, err := authenticode.SignPE(debtest.SystemdStub(t), set.DB)
	if err != nil {
		t.Fatalf("SignPE(stub, db) = %v", err)
	}
	if _, err := exec.LookPath("sbverify"); err != nil {
		t.Skip("sbverify not installed: oracle skipped")
	}
	p := filepath.Join(t.TempDir(), "stub.signed.efi")
	if err := os.WriteFile(p, signed, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("sbverify", "--cert", filepath.Join(dir, DB.CertFile()), p).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Signature verification OK") {
		t.Errorf("sbverify --cert db.crt = %v\n%s", err, out)
	}
}
