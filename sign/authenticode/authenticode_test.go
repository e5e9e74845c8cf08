package authenticode

import (
	"bytes"
	"debug/pe"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/foxboron/go-uefi/authenticode"

	"manx/internal/deb/debtest"
	"manx/internal/testutil"
	"manx/sign"
	"manx/uki"
)

// testSigner writes a throw-away RSA-2048 key and self-signed certificate to a temp
// dir, loads them through the file backend and returns the signer and the cert path.
func testSigner(t *testing.T) (*sign.Static, string) {
	t.Helper()
	keyPath, certPath := testutil.WritePEM(t, t.TempDir(), testutil.RSACert(t, "Manx test db"))
	s, err := sign.LoadFiles(keyPath, certPath)
	if err != nil {
		t.Fatalf("LoadFiles() = %v", err)
	}
	return s, certPath
}

// testImages returns the PEs to sign: the systemd stub, a UKI built on it and, if
// MANX_TEST_BZIMAGE names one, a real kernel.
func testImages(t *testing.T) map[string][]byte {
	t.Helper()
	stub := debtest.SystemdStub(t)
	u, err := uki.Assemble(uki.Spec{
		Stub: stub, Linux: bytes.Repeat([]byte("kernel"), 100001), Initrd: []byte("initrd"),
		Cmdline: "console=ttyS0", OSRelease: "ID=manx\n", Time: time.Unix(1735689600, 0),
	})
	if err != nil {
		t.Fatalf("uki.Assemble() = %v", err)
	}
	imgs := map[string][]byte{"stub": stub, "uki": u}
	if p := os.Getenv("MANX_TEST_BZIMAGE"); p != "" {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		imgs["bzImage"] = b
	}
	return imgs
}

func sbverify(t *testing.T, certPath string, img []byte) (string, error) {
	t.Helper()
	p := filepath.Join(t.TempDir(), "signed.efi")
	if err := os.WriteFile(p, img, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("sbverify", "--cert", certPath, p).CombinedOutput()
	return string(out), err
}

func TestSignPE(t *testing.T) {
	s, certPath := testSigner(t)
	_, errLook := exec.LookPath("sbverify")
	for name, in := range testImages(t) {
		t.Run(name, func(t *testing.T) {
			a, err := SignPE(in, s)
			if err != nil {
				t.Fatalf("SignPE() = %v", err)
			}
			b, err := SignPE(bytes.Clone(in), s)
			if err != nil {
				t.Fatalf("SignPE() = %v", err)
			}
			if !bytes.Equal(a, b) {
				t.Fatalf("SignPE() twice: outputs differ")
			}
			// Re-signing a signed image replaces the signature: same bytes, one signature.
			again, err := SignPE(a, s)
			if err != nil {
				t.Fatalf("SignPE(signed) = %v", err)
			}
			if !bytes.Equal(again, a) {
				t.Errorf("SignPE(SignPE(x)) != SignPE(x)")
			}
			img, err := authenticode.Parse(bytes.NewReader(a))
			if err != nil {
				t.Fatal(err)
			}
			if sigs, err := img.Signatures(); err != nil || len(sigs) != 1 {
				t.Errorf("Signatures() = %d, %v; want 1 signature", len(sigs), err)
			}
			if len(a)%8 != 0 {
				t.Errorf("len(SignPE()) = %d, want a multiple of 8", len(a))
			}

			if errLook != nil {
				t.Skip("sbverify not installed: oracle skipped")
			}
			out, err := sbverify(t, certPath, a)
			t.Logf("sbverify --cert db.crt signed.efi:\n%s", out)
			if err != nil || !strings.Contains(out, "Signature verification OK") {
				t.Fatalf("sbverify(signed) = %v, want success", err)
			}

			flipped := flipInSection(t, a)
			out, err = sbverify(t, certPath, flipped)
			t.Logf("sbverify after a one-byte flip:\n%s", out)
			if err == nil {
				t.Errorf("sbverify(one byte flipped) succeeded, want failure")
			}
		})
	}
}

// flipInSection returns a copy of img with one byte of its last section inverted.
func flipInSection(t *testing.T, img []byte) []byte {
	t.Helper()
	f, err := pe.NewFile(bytes.NewReader(img))
	if err != nil {
		t.Fatal(err)
	}
	s := f.Sections[len(f.Sections)-1]
	out := bytes.Clone(img)
	out[s.Offset+s.VirtualSize/2] ^= 0xff
	return out
}

func TestSignPEErrors(t *testing.T) {
	s, _ := testSigner(t)
	stub := debtest.SystemdStub(t)
	signed, err := SignPE(stub, s)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   []byte
		s    sign.Signer
	}{
		{"not a PE", []byte("MZ but not really"), s},
		{"no signer", stub, nil},
		{"cert table not at end", append(signed, 0, 0, 0, 0, 0, 0, 0, 0), s},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := SignPE(tt.in, tt.s); err == nil {
				t.Errorf("SignPE(%s) = nil error, want error", tt.name)
			}
		})
	}
}
