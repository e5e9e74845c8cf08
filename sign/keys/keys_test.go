package keys

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"manx/sign"
)

var testEpoch = time.Unix(1735689600, 0).UTC()

func testLogger() (*slog.Logger, *bytes.Buffer) {
	var buf bytes.Buffer
	return slog.New(slog.NewTextHandler(&buf, nil)), &buf
}

func TestGenerate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keys")
	logger, logs := testLogger()
	set, err := Generate(dir, testEpoch, logger)
	if err != nil {
		t.Fatalf("Generate() = %v", err)
	}
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "Generated NEW Manx key hierarchy") {
		t.Errorf("Generate() logged %q, want a warning about new keys", logs.String())
	}

	type certInfo struct {
		CN        string
		Issuer    string
		CA        bool
		KeyUsage  x509.KeyUsage
		EKU       []x509.ExtKeyUsage
		KeyType   string
		NotBefore time.Time
		NotAfter  time.Time
	}
	keyType := func(c *x509.Certificate) string {
		switch k := c.PublicKey.(type) {
		case *rsa.PublicKey:
			return "rsa" + string(rune('0'+k.N.BitLen()/1000)) + "k"
		case ed25519.PublicKey:
			return "ed25519"
		}
		return "other"
	}
	ds, cs := x509.KeyUsageDigitalSignature, x509.KeyUsageCertSign
	want := map[Role]certInfo{
		PK:           {"Manx PK", "Manx PK", true, ds | cs, nil, "rsa2k", testEpoch, notAfter},
		KEK:          {"Manx KEK", "Manx KEK", true, ds | cs, nil, "rsa2k", testEpoch, notAfter},
		DB:           {"Manx db", "Manx db", false, ds, []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning}, "rsa2k", testEpoch, notAfter},
		Kexec:        {"Manx kexec", "Manx kexec", false, ds, []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning}, "rsa2k", testEpoch, notAfter},
		StbootRoot:   {"Manx stboot root", "Manx stboot root", true, ds | cs, nil, "ed25519", testEpoch, notAfter},
		StbootSigner: {"Manx stboot signer", "Manx stboot root", false, ds, nil, "ed25519", testEpoch, notAfter},
		PCRPolicy:    {"Manx PCR policy", "Manx PCR policy", false, ds, nil, "rsa2k", testEpoch, notAfter},
	}
	got := map[Role]certInfo{}
	for _, r := range Roles {
		c := set.Get(r).Certificate()
		got[r] = certInfo{c.Subject.CommonName, c.Issuer.CommonName, c.IsCA, c.KeyUsage, c.ExtKeyUsage, keyType(c), c.NotBefore, c.NotAfter}
		if c.SerialNumber.Sign() <= 0 {
			t.Errorf("%s serial = %v, want positive", r, c.SerialNumber)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Generate() certificates mismatch (-want +got):\n%s", diff)
	}

	for _, r := range Roles {
		for name, perm := range map[string]os.FileMode{r.KeyFile(): 0o600, r.CertFile(): 0o644} {
			fi, err := os.Stat(filepath.Join(dir, name))
			if err != nil {
				t.Fatalf("Stat(%s) = %v", name, err)
			}
			if fi.Mode().Perm() != perm {
				t.Errorf("mode of %s = %v, want %v", name, fi.Mode().Perm(), perm)
			}
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2*len(Roles) {
		t.Errorf("%s holds %d entries, want %d (no temporary files left)", dir, len(entries), 2*len(Roles))
	}

	loaded, err := Load(dir)
	if err != nil {
		t.Fatalf("Load() = %v", err)
	}
	for _, r := range Roles {
		if !bytes.Equal(loaded.Get(r).Certificate().Raw, set.Get(r).Certificate().Raw) {
			t.Errorf("Load().%s certificate differs from the generated one", r)
		}
	}
}

func TestGenerateRefusesExisting(t *testing.T) {
	dir := t.TempDir()
	logger, _ := testLogger()
	if _, err := Generate(dir, testEpoch, logger); err != nil {
		t.Fatalf("Generate() = %v", err)
	}
	before, _ := os.ReadFile(filepath.Join(dir, DB.KeyFile()))
	_, err := Generate(dir, testEpoch, logger)
	if !errors.Is(err, ErrExist) || !strings.Contains(err.Error(), "move") {
		t.Errorf("Generate(existing) = %v, want ErrExist telling how to rotate", err)
	}
	after, _ := os.ReadFile(filepath.Join(dir, DB.KeyFile()))
	if !bytes.Equal(before, after) {
		t.Errorf("Generate(existing) changed %s", DB.KeyFile())
	}
}

// TestEnsure runs Ensure and Open, which differ only where no hierarchy
// exists: Ensure generates one, Open refuses (ErrNoKeys).
func TestEnsure(t *testing.T) {
	tests := []struct {
		name        string
		prepare     func(t *testing.T, dir string)
		wantErr     error
		wantLog     bool
		wantOpenErr error // Open's error, when it differs from Ensure's
	}{
		{"empty generates", func(*testing.T, string) {}, nil, true, ErrNoKeys},
		{"missing dir generates", func(t *testing.T, dir string) { os.Remove(dir) }, nil, true, ErrNoKeys},
		{"complete loads", func(t *testing.T, dir string) {
			l, _ := testLogger()
			if _, err := Generate(dir, testEpoch, l); err != nil {
				t.Fatal(err)
			}
		}, nil, false, nil},
		{"partial refuses", func(t *testing.T, dir string) {
			l, _ := testLogger()
			if _, err := Generate(dir, testEpoch, l); err != nil {
				t.Fatal(err)
			}
			os.Remove(filepath.Join(dir, DB.KeyFile()))
		}, ErrIncomplete, false, nil},
		{"hierarchy from before kexec gains it", func(t *testing.T, dir string) {
			l, _ := testLogger()
			if _, err := Generate(dir, testEpoch, l); err != nil {
				t.Fatal(err)
			}
			os.Remove(filepath.Join(dir, Kexec.KeyFile()))
			os.Remove(filepath.Join(dir, Kexec.CertFile()))
		}, nil, true, nil},
		{"hierarchy from before the PCR policy key gains it and kexec", func(t *testing.T, dir string) {
			l, _ := testLogger()
			if _, err := Generate(dir, testEpoch, l); err != nil {
				t.Fatal(err)
			}
			for _, r := range []Role{Kexec, PCRPolicy} {
				os.Remove(filepath.Join(dir, r.KeyFile()))
				os.Remove(filepath.Join(dir, r.CertFile()))
			}
		}, nil, true, nil},
		{"half a kexec key refuses", func(t *testing.T, dir string) {
			l, _ := testLogger()
			if _, err := Generate(dir, testEpoch, l); err != nil {
				t.Fatal(err)
			}
			os.Remove(filepath.Join(dir, Kexec.KeyFile()))
		}, ErrIncomplete, false, nil},
		{"stray cert refuses", func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, PK.CertFile()), []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, ErrIncomplete, false, nil},
	}
	funcs := []struct {
		name string
		f    func(string, time.Time, *slog.Logger) (*Set, error)
	}{{"Ensure", Ensure}, {"Open", Open}}
	for _, fn := range funcs {
		for _, tt := range tests {
			t.Run(fn.name+"/"+tt.name, func(t *testing.T) {
				dir := t.TempDir()
				tt.prepare(t, dir)
				logger, logs := testLogger()
				set, err := fn.f(dir, testEpoch, logger)
				wantErr := tt.wantErr
				if fn.name == "Open" && tt.wantOpenErr != nil {
					wantErr = tt.wantOpenErr
				}
				if wantErr != nil {
					if !errors.Is(err, wantErr) {
						t.Fatalf("%s() = %v, want %v", fn.name, err, wantErr)
					}
					if logs.Len() > 0 {
						t.Errorf("%s() failed and logged %q", fn.name, logs.String())
					}
					return
				}
				if err != nil || set == nil {
					t.Fatalf("%s() = %v, %v; want a key set", fn.name, set, err)
				}
				if gotLog := logs.Len() > 0; gotLog != tt.wantLog {
					t.Errorf("%s() logged %q, want logging %v", fn.name, logs.String(), tt.wantLog)
				}
			})
		}
	}
}

// TestOpenNoKeys checks Open's refusals name the directory and why, and
// create nothing.
func TestOpenNoKeys(t *testing.T) {
	base := t.TempDir()
	file := filepath.Join(base, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(base, "other")
	if err := os.Mkdir(other, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(other, "README"), []byte("not keys"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, dir, want string
	}{
		{"missing", filepath.Join(base, "kyes"), "keys directory " + filepath.Join(base, "kyes") + " does not exist: no key hierarchy"},
		{"empty", t.TempDir(), " holds none of PK.key, PK.crt, KEK.key, "},
		{"other files", other, "keys directory " + other + " holds none of PK.key"},
		{"not a directory", file, "not a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logger, _ := testLogger()
			_, err := Open(tt.dir, testEpoch, logger)
			if !strings.Contains(fmt.Sprint(err), tt.want) {
				t.Errorf("Open(%s) = %v, want an error containing %q", tt.dir, err, tt.want)
			}
			if _, err := os.Stat(filepath.Join(tt.dir, PK.KeyFile())); err == nil {
				t.Errorf("Open(%s) wrote %s", tt.dir, PK.KeyFile())
			}
		})
	}
}

// TestLoadKeyMode checks that Load refuses a hierarchy with a private key
// group or others may read, naming the file and its mode, and that
// Generate writes keys Load accepts (0600).
func TestLoadKeyMode(t *testing.T) {
	dir := t.TempDir()
	logger, _ := testLogger()
	if _, err := Generate(dir, testEpoch, logger); err != nil {
		t.Fatal(err)
	}
	for _, r := range Roles {
		fi, err := os.Stat(filepath.Join(dir, r.KeyFile()))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %04o, want 0600", r.KeyFile(), fi.Mode().Perm())
		}
	}
	if _, err := Load(dir); err != nil {
		t.Fatalf("Load(generated) = %v", err)
	}
	for _, mode := range []os.FileMode{0o640, 0o604} {
		key := filepath.Join(dir, StbootSigner.KeyFile())
		if err := os.Chmod(key, mode); err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("private key %s has mode %04o: group or others may access it; want 0600 or stricter (chmod 600 %s)", key, mode, key)
		if _, err := Load(dir); !errors.Is(err, sign.ErrKeyMode) || !strings.Contains(err.Error(), want) {
			t.Errorf("Load(%s mode %04o) = %v, want an error containing %q", key, mode, err, want)
		}
	}
}

func TestLoadRejectsMismatchedKey(t *testing.T) {
	dir := t.TempDir()
	logger, _ := testLogger()
	if _, err := Generate(dir, testEpoch, logger); err != nil {
		t.Fatal(err)
	}
	// Swap the PK key for the KEK key: the PK certificate no longer matches.
	kek, _ := os.ReadFile(filepath.Join(dir, KEK.KeyFile()))
	if err := os.WriteFile(filepath.Join(dir, PK.KeyFile()), kek, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir); err == nil {
		t.Errorf("Load(mismatched PK key) = nil error, want error")
	}
}

func TestGenerateArguments(t *testing.T) {
	logger, _ := testLogger()
	if _, err := Generate(t.TempDir(), time.Time{}, logger); err == nil {
		t.Errorf("Generate(zero time) = nil error, want error")
	}
	if _, err := Generate(t.TempDir(), testEpoch, nil); err == nil {
		t.Errorf("Generate(nil logger) = nil error, want error")
	}
}
