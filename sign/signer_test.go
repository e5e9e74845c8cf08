package sign

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"manx/internal/testutil"
)

func TestNewStaticMismatch(t *testing.T) {
	notBefore := time.Unix(1735689600, 0)
	a := testutil.Ed25519Cert(t, "Manx test A", 1, notBefore, nil)
	b := testutil.Ed25519Cert(t, "Manx test B", 2, notBefore, nil)
	if _, err := NewStatic(a.Signer(), a.Certificate()); err != nil {
		t.Errorf("NewStatic(key A, cert A) = %v, want nil", err)
	}
	if _, err := NewStatic(a.Signer(), b.Certificate()); err == nil {
		t.Errorf("NewStatic(key A, cert B) = nil error, want mismatch error")
	}
}

// TestLoadFilesKeyMode checks that a private key file group or others may
// access is refused, naming the file and its mode.
func TestLoadFilesKeyMode(t *testing.T) {
	c := testutil.Ed25519Cert(t, "Manx test", 1, time.Unix(1735689600, 0), nil)
	tests := []struct {
		mode os.FileMode
		ok   bool
	}{
		{0o600, true},
		{0o400, true},
		{0o700, true},
		{0o640, false},
		{0o604, false},
		{0o644, false},
		{0o620, false},
		{0o660, false},
		{0o601, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%04o", tt.mode), func(t *testing.T) {
			keyPath, certPath := testutil.WritePEM(t, t.TempDir(), c)
			if err := os.Chmod(keyPath, tt.mode); err != nil {
				t.Fatal(err)
			}
			_, err := LoadFiles(keyPath, certPath)
			if tt.ok {
				if err != nil {
					t.Errorf("LoadFiles(key mode %04o) = %v, want success", tt.mode, err)
				}
				return
			}
			want := fmt.Sprintf("private key %s has mode %04o: group or others may access it; want 0600 or stricter (chmod 600 %s)",
				keyPath, tt.mode, keyPath)
			if !errors.Is(err, ErrKeyMode) || err == nil || err.Error() != want {
				t.Errorf("LoadFiles(key mode %04o) = %v, want %q", tt.mode, err, want)
			}
		})
	}
	// The certificate is public: its mode does not matter.
	keyPath, certPath := testutil.WritePEM(t, t.TempDir(), c)
	if err := os.Chmod(certPath, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFiles(keyPath, certPath); err != nil {
		t.Errorf("LoadFiles(cert mode 0644) = %v, want success", err)
	}
	if _, err := ReadKeyFile(filepath.Join(t.TempDir(), "missing.key")); err == nil || !strings.Contains(err.Error(), "missing.key") {
		t.Errorf("ReadKeyFile(missing) = %v, want an error naming the file", err)
	}
}
