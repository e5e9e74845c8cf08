package seal

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/google/go-tpm/tpm2"
	"github.com/google/go-tpm/tpm2/transport"

	"manx/tpm/pcrsig"
	"manx/tpm/swtpm"
)

// template is one manufactured swtpm state (swtpm_setup takes most of a
// second); each test runs a swtpm on a copy, so all share the seeds.
var template = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "seal-swtpm-")
	if err != nil {
		return "", err
	}
	return dir, swtpm.Setup(context.Background(), dir)
})

// keys are the test binary's PCR signing keys: the sealing key and another.
var keys = sync.OnceValues(func() ([2]*rsa.PrivateKey, error) {
	var k [2]*rsa.PrivateKey
	for i := range k {
		var err error
		if k[i], err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			return k, err
		}
	}
	return k, nil
})

func TestMain(m *testing.M) {
	code := m.Run()
	if dir, err := template(); err == nil {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}

func testKeys(t *testing.T) (sealing, other *rsa.PrivateKey) {
	t.Helper()
	k, err := keys()
	if err != nil {
		t.Fatal(err)
	}
	return k[0], k[1]
}

// newState returns a fresh copy of the manufactured state.
func newState(t *testing.T) string {
	t.Helper()
	src, err := template()
	if err != nil {
		t.Fatalf("swtpm.Setup: %v", err)
	}
	b, err := os.ReadFile(filepath.Join(src, swtpm.StateFile))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, swtpm.StateFile), b, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// startTPM runs a swtpm on state until the test ends. A missing swtpm
// fails the test: it is a required host tool (internal/setup installs it).
func startTPM(t *testing.T, state string) *swtpm.Process {
	t.Helper()
	p, err := swtpm.Start(t.Context(), state, t.TempDir())
	if err != nil {
		t.Fatalf("swtpm.Start: %v", err)
	}
	t.Cleanup(func() {
		if err := p.Stop(); err != nil {
			t.Errorf("swtpm Stop: %v", err)
		}
	})
	return p
}

// newTPM is startTPM on a fresh state.
func newTPM(t *testing.T) transport.TPM {
	t.Helper()
	return startTPM(t, newState(t)).TPM()
}

// extend extends a SHA-256 PCR with SHA-256(data), as systemd-stub does.
func extend(t *testing.T, tpm transport.TPM, pcr uint, data string) {
	t.Helper()
	d := sha256.Sum256([]byte(data))
	_, err := tpm2.PCRExtend{
		PCRHandle: tpm2.AuthHandle{Handle: tpm2.TPMHandle(pcr), Auth: tpm2.PasswordAuth(nil)},
		Digests:   tpm2.TPMLDigestValues{Digests: []tpm2.TPMTHA{{HashAlg: tpm2.TPMAlgSHA256, Digest: d[:]}}},
	}.Execute(tpm)
	if err != nil {
		t.Fatalf("extending PCR %d: %v", pcr, err)
	}
}

func pcrValue(t *testing.T, tpm transport.TPM, pcr uint) []byte {
	t.Helper()
	v, err := readPCR(tpm, pcr)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// measureUKI extends PCR 11 as a boot of a UKI would (a few sections).
func measureUKI(t *testing.T, tpm transport.TPM) {
	t.Helper()
	for _, s := range []string{".linux\x00", "kernel bytes", ".osrel\x00", "ID=manx\n", ".pcrpkey\x00", "key"} {
		extend(t, tpm, 11, s)
	}
}

// signed returns a .pcrsig, signed by key, for the given PCR 11 values.
func signed(t *testing.T, key *rsa.PrivateKey, values ...[]byte) pcrsig.Signatures {
	t.Helper()
	b, err := pcrsig.Sign(key, pcrsig.SHA256, values)
	if err != nil {
		t.Fatal(err)
	}
	s, err := pcrsig.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Short names for the table in TestUnsealRefused.
type (
	tpmT = transport.TPM
	keyT = *rsa.PublicKey
)
