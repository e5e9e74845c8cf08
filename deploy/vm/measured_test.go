package vm

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"manx/deploy/profile"
	"manx/tpm/totp"
)

func TestInsertBefore(t *testing.T) {
	got := insertBefore([]string{"a", profile.MarkerUserland}, profile.MarkerUserland, []string{"p4", "p7"})
	if diff := cmp.Diff([]string{"a", "p4", "p7", profile.MarkerUserland}, got); diff != "" {
		t.Error(diff)
	}
	if got := insertBefore([]string{"a"}, profile.MarkerUserland, []string{"x"}); !cmp.Equal(got, []string{"a", "x"}) {
		t.Errorf("no marker: %q", got)
	}
}

func TestCheckTOTP(t *testing.T) {
	seed := []byte("12345678901234567890")
	at := time.Date(2026, 1, 1, 0, 0, 31, 0, time.UTC)
	line := func(code string, at time.Time) string {
		return fmt.Sprintf("manx: ...\r\ntpm: totp %s at %d\r\n", code, at.Unix())
	}
	if err := checkTOTP(line(totp.Code(seed, at), at), seed); err != nil {
		t.Errorf("right code: %v", err)
	}
	wrong := "000000"
	if totp.Code(seed, at) == wrong {
		wrong = "111111"
	}
	for name, serial := range map[string]string{
		"wrong code":   line(wrong, at),
		"other window": line(totp.Code(seed, at.Add(time.Minute)), at),
		"far from RTC": line(totp.Code(seed, at.AddDate(1, 0, 0)), at.AddDate(1, 0, 0)),
		"no line":      "manx: userland ready\n",
	} {
		if err := checkTOTP(serial, seed); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestReadOrMakeSecret(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "tpm", "sealed.secret")
	a, err := readOrMakeSecret(p)
	if err != nil || len(a) != secretSize {
		t.Fatalf("made %d bytes, %v", len(a), err)
	}
	fi, _ := os.Stat(p)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want 0600", fi.Mode().Perm())
	}
	b, err := readOrMakeSecret(p)
	if err != nil || string(a) != string(b) {
		t.Errorf("second read differs: %v", err)
	}
	os.Chmod(p, 0o644)
	if _, err := readOrMakeSecret(p); err == nil || !strings.Contains(err.Error(), "0600") {
		t.Errorf("a world-readable secret: %v", err)
	}
}
