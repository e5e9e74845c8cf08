//go:build oracle

package pcrsig

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"manx/tpm/swtpm"
)

// The oracles: systemd-measure 252 (Debian's systemd; its sign needs a TPM,
// reached through tpm2-tss's swtpm TCTI from tpm2-tools' dependencies) and
// OpenSSL. A missing tool fails: go test -tags oracle ./tpm/pcrsig.
const measure = "/usr/lib/systemd/systemd-measure"

// phases are the boot-phase paths both sides sign: the raw UKI value (what
// a u-root initramfs sees) and two systemd-pcrphase paths.
var phases = []string{"--phase=", "--phase=enter-initrd", "--phase=enter-initrd:leave-initrd"}

// measureTPM runs a swtpm for systemd-measure sign and returns its
// --tpm2-device.
func measureTPM(t *testing.T) string {
	t.Helper()
	state := t.TempDir()
	if err := swtpm.Setup(t.Context(), state); err != nil {
		t.Fatal(err)
	}
	p, err := swtpm.Start(t.Context(), state, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Stop() })
	return p.Device()
}

func run(t *testing.T, dir, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s(apt-get install systemd tpm2-tools openssl)", name, args, err, stderr.Bytes())
	}
	return bytes.TrimSpace(out)
}

// TestOracleMeasure: systemd-measure 252 computes and signs the PCR 11
// values of testdata's inputs exactly as the stored answers say, and Sign
// over its calculated values writes its signed JSON byte for byte; then
// the same for a fresh key and fresh inputs.
func TestOracleMeasure(t *testing.T) {
	dev := measureTPM(t)
	sections := func(dir string) []string {
		return []string{"--linux=" + filepath.Join(dir, "linux"), "--osrel=" + filepath.Join(dir, "osrel"),
			"--pcrpkey=" + filepath.Join(dir, "key.pub.pem"), "--bank=sha256"}
	}
	check := func(t *testing.T, dir string, key *rsa.PrivateKey, stored bool) {
		calc := run(t, dir, measure, append(append(append([]string{"calculate"}, sections(dir)...), phases...), "--json=short")...)
		signArgs := append(append([]string{"sign"}, sections(dir)...), phases...)
		signArgs = append(signArgs, "--private-key="+filepath.Join(dir, "key.pem"), "--public-key="+filepath.Join(dir, "key.pub.pem"),
			"--tpm2-device="+dev, "--json=short")
		want := run(t, dir, measure, signArgs...)
		if stored {
			if !bytes.Equal(calc, readTestdata(t, "calculate-252.json")) {
				t.Errorf("systemd-measure calculate = %s, stored %s", calc, readTestdata(t, "calculate-252.json"))
			}
			if !bytes.Equal(want, readTestdata(t, "sign-252.json")) {
				t.Errorf("systemd-measure sign = %s, stored %s", want, readTestdata(t, "sign-252.json"))
			}
		}
		got, err := Sign(key, SHA256, calculated(t, calc))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("Sign() =\n%s\nsystemd-measure sign =\n%s", got, want)
		}
		verifyOpenSSL(t, dir, got)
	}

	t.Run("testdata", func(t *testing.T) {
		abs, err := filepath.Abs("testdata")
		if err != nil {
			t.Fatal(err)
		}
		check(t, abs, testKey(t), true)
	})
	t.Run("fresh", func(t *testing.T) {
		dir := t.TempDir()
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		linux := make([]byte, 4096)
		rand.Read(linux)
		pubPEM, err := PublicKeyPEM(&key.PublicKey)
		if err != nil {
			t.Fatal(err)
		}
		for name, b := range map[string][]byte{"linux": linux, "osrel": []byte("ID=manx\n"), "key.pub.pem": pubPEM} {
			if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		writeKeyPEM(t, filepath.Join(dir, "key.pem"), key)
		check(t, dir, key, false)
	})
}

// verifyOpenSSL checks every entry of a .pcrsig with openssl dgst -sha256
// -verify (sig over the pol bytes) and its pkfp against OpenSSL's PKCS#1
// DER of the key.
func verifyOpenSSL(t *testing.T, dir string, pcrsig []byte) {
	t.Helper()
	sigs, err := Parse(pcrsig)
	if err != nil {
		t.Fatal(err)
	}
	pub := filepath.Join(dir, "key.pub.pem")
	der := run(t, dir, "sh", "-c", `openssl rsa -pubin -in "$1" -RSAPublicKey_out -outform DER | openssl dgst -sha256 -r`, "sh", pub)
	tmp := t.TempDir()
	for i, e := range sigs[SHA256] {
		if want := hex.EncodeToString(e.Fingerprint); !bytes.HasPrefix(der, []byte(want)) {
			t.Errorf("entry %d: pkfp %s, OpenSSL's SHA-256 of the PKCS#1 DER %s", i, want, der)
		}
		pol, sig := filepath.Join(tmp, "pol"), filepath.Join(tmp, "sig")
		if err := os.WriteFile(pol, e.Policy, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(sig, e.Signature, 0o600); err != nil {
			t.Fatal(err)
		}
		if out := run(t, tmp, "openssl", "dgst", "-sha256", "-verify", pub, "-signature", sig, pol); string(out) != "Verified OK" {
			t.Errorf("entry %d: openssl dgst -verify = %q", i, out)
		}
		// And a changed pol does not verify.
		bad := bytes.Clone(e.Policy)
		bad[0] ^= 1
		os.WriteFile(pol, bad, 0o600)
		if err := exec.Command("openssl", "dgst", "-sha256", "-verify", pub, "-signature", sig, pol).Run(); err == nil {
			t.Errorf("entry %d: openssl verified a changed pol", i)
		}
	}
}

// writeKeyPEM writes key as PKCS#1 PEM, as openssl genrsa -traditional does.
func writeKeyPEM(t *testing.T, path string, key *rsa.PrivateKey) {
	t.Helper()
	b := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}
