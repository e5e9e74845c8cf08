package attest

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-sev-guest/client"
)

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	tsm := filepath.Join(dir, "tsm", "report")
	dev := filepath.Join(dir, "sev-guest")
	if err := os.MkdirAll(tsm, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dev, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing")
	yes := func() bool { return true }
	no := func() bool { return false }
	devOK := func() error { return nil }
	devFails := func() error { return os.ErrPermission }
	for _, tc := range []struct {
		name       string
		tsm, dev   string
		tsmOK      func() bool
		openDev    func() error
		wantType   string
		wantErr    string
		wantNotSNP bool
	}{
		{"configfs-tsm with sev_guest", tsm, dev, yes, devOK, "*client.LinuxConfigFsQuoteProvider", "", false},
		{"configfs-tsm of another provider, device present", tsm, dev, no, devOK, "*client.LinuxIoctlQuoteProvider", "", false},
		{"device only", missing, dev, yes, devOK, "*client.LinuxIoctlQuoteProvider", "", false},
		{"neither", missing, missing, yes, devOK, "", "not an SEV-SNP guest", true},
		{"configfs-tsm of another provider, no device", tsm, missing, no, devOK, "", "not an SEV-SNP guest", true},
		{"device unusable", missing, dev, no, devFails, "", "opening " + dev + ": permission denied", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			qp, err := open(tc.tsm, tc.dev, tc.tsmOK, tc.openDev)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) || errors.Is(err, ErrNotSNPGuest) != tc.wantNotSNP {
					t.Fatalf("open(%s) = %T, %v, want error %q (not SNP: %v)", tc.name, qp, err, tc.wantErr, tc.wantNotSNP)
				}
				return
			}
			if err != nil {
				t.Fatalf("open(%s) error = %v", tc.name, err)
			}
			var got string
			switch qp.(type) {
			case *client.LinuxConfigFsQuoteProvider:
				got = "*client.LinuxConfigFsQuoteProvider"
			case *client.LinuxIoctlQuoteProvider:
				got = "*client.LinuxIoctlQuoteProvider"
			}
			if got != tc.wantType {
				t.Errorf("open(%s) = %T, want %s", tc.name, qp, tc.wantType)
			}
		})
	}
}
