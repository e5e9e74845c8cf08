package nixcheck_test

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestStubRefuses checks the stub nixpkgs refuses, at evaluation time, what
// the real nixpkgs would refuse, so the flake check means something.
func TestStubRefuses(t *testing.T) {
	nt := tool(t)
	stub, err := filepath.Abs(filepath.Join(root, "nix", "stub"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		expr    string
		wantErr string // "" for success
	}{
		{name: "good fetchurl", expr: `p.fetchurl { url = "mirror://debian/pool/x_1.tar.xz"; sha256 = "` + strings.Repeat("0", 64) + `"; }`},
		{name: "tilde in store name", expr: `p.fetchurl { url = "mirror://debian/pool/x_1~bpo.deb"; sha256 = "` + strings.Repeat("0", 64) + `"; }`, wantErr: "invalid store name"},
		{name: "short sha256", expr: `p.fetchurl { url = "mirror://debian/pool/x"; sha256 = "abc"; }`, wantErr: "is not 64 hex digits"},
		{name: "no sha256", expr: `p.fetchurl { url = "mirror://debian/pool/x"; }`, wantErr: "sha256 missing"},
		{name: "unknown package", expr: `p.callPackage ({ stdenv, nosuchpackage }: stdenv) { }`, wantErr: "no package"},
		{name: "explicit argument", expr: `p.callPackage ({ stdenv, x }: x) { x = 1; }`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expr := `let p = (import ` + stub + `).legacyPackages.x86_64-linux; in builtins.toJSON (` + tt.expr + `)`
			out, err := exec.CommandContext(context.Background(), nt.Path, "--eval", "--strict", "--readonly-mode", "-E", expr).CombinedOutput()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("evaluating %s: %v: %s", tt.expr, err, out)
			case tt.wantErr != "" && (err == nil || !strings.Contains(string(out), tt.wantErr)):
				t.Errorf("evaluating %s = %s (err %v), want an error containing %q", tt.expr, out, err, tt.wantErr)
			}
		})
	}
}
