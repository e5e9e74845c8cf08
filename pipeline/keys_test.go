package pipeline

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"manx/internal/buildenv"
	"manx/internal/testutil"
	"manx/sign/keys"
)

// TestKeysDir checks when Keys may generate a hierarchy: in the default
// keys directory, or for `mage keys` (GenerateKeys); a MANX_KEYS_DIR that
// is missing or holds no keys is an error naming the variable, the path
// and the command that generates there.
func TestKeysDir(t *testing.T) {
	root, err := buildenv.FindRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	epoch := time.Unix(1735689600, 0).UTC()
	populated := t.TempDir()
	if _, err := keys.Generate(populated, epoch, testutil.Discard()); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "kyes")
	empty := t.TempDir()
	tests := []struct {
		name     string
		dir      string
		fromEnv  bool
		generate bool
		want     string // the error; "" means a key set
	}{
		{name: "default dir is generated", dir: filepath.Join(t.TempDir(), "keys")},
		{name: "default dir, empty, is generated", dir: t.TempDir()},
		{name: "explicit dir with keys loads", dir: populated, fromEnv: true},
		{name: "explicit missing dir", dir: missing, fromEnv: true,
			want: "MANX_KEYS_DIR=" + missing + ": keys directory " + missing + " does not exist: no key hierarchy; " +
				"fix the path, or generate a new hierarchy there with `MANX_KEYS_DIR=" + missing + " go run mage.go keys`"},
		{name: "explicit empty dir", dir: empty, fromEnv: true,
			want: "MANX_KEYS_DIR=" + empty + ": keys directory " + empty + " holds none of PK.key, PK.crt, KEK.key, KEK.crt, db.key, db.crt, " +
				"kexec.key, kexec.crt, stboot-root.key, stboot-root.crt, stboot-signer.key, stboot-signer.crt, pcr-policy.key, pcr-policy.crt: no key hierarchy; " +
				"fix the path, or generate a new hierarchy there with `MANX_KEYS_DIR=" + empty + " go run mage.go keys`"},
		{name: "mage keys generates in an explicit dir", dir: filepath.Join(t.TempDir(), "new"), fromEnv: true, generate: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := New(&buildenv.Env{Root: root, BuildDir: t.TempDir(), Epoch: epoch, KeysDir: tt.dir, KeysDirFromEnv: tt.fromEnv}, testutil.Discard())
			if err != nil {
				t.Fatal(err)
			}
			p.GenerateKeys = tt.generate
			ks, err := p.Keys()
			if tt.want != "" {
				if err == nil || err.Error() != tt.want || !errors.Is(err, keys.ErrNoKeys) {
					t.Errorf("Keys() = %v, want %q", err, tt.want)
				}
				if _, err := os.Stat(filepath.Join(tt.dir, keys.PK.KeyFile())); err == nil {
					t.Errorf("Keys() failed but wrote keys in %s", tt.dir)
				}
				return
			}
			if err != nil || ks == nil {
				t.Fatalf("Keys() = %v, %v; want a key set", ks, err)
			}
			if _, err := keys.Load(tt.dir); err != nil {
				t.Errorf("keys.Load(%s) after Keys() = %v", tt.dir, err)
			}
		})
	}
}
