package buildenv

import (
	"os"
	"path/filepath"
	"testing"
)

// TestKeysDir checks where the keys live and whether MANX_KEYS_DIR chose
// it: an explicit directory must already hold keys (see KeysDirFromEnv).
func TestKeysDir(t *testing.T) {
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("module manx\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("SOURCE_DATE_EPOCH", "1735689600")
	t.Setenv(EnvVersion, "gtest")
	t.Setenv(EnvCacheDir, t.TempDir())
	t.Chdir(root)
	tests := []struct {
		name, env   string
		wantDir     string
		wantFromEnv bool
	}{
		{"unset", "", filepath.Join(root, "keys"), false},
		{"absolute", "/srv/manx-keys", "/srv/manx-keys", true},
		{"relative", "my-keys", filepath.Join(root, "my-keys"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv(EnvKeysDir, tt.env)
			env, err := Load(root)
			if err != nil {
				t.Fatal(err)
			}
			if env.KeysDir != tt.wantDir || env.KeysDirFromEnv != tt.wantFromEnv {
				t.Errorf("%s=%q: KeysDir %q, KeysDirFromEnv %v; want %q, %v", EnvKeysDir, tt.env,
					env.KeysDir, env.KeysDirFromEnv, tt.wantDir, tt.wantFromEnv)
			}
		})
	}
}
