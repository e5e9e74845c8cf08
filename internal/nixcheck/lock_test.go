package nixcheck

import (
	"strings"
	"testing"
)

const goodLock = `{
  "nodes": {
    "nixpkgs": {
      "locked": {"lastModified": 1778430510, "narHash": "sha256-Ti+ZBvW6yrWWAg2szExVTwCd4qOJ3KlVr1tFHfyfi8Q=",
        "owner": "NixOS", "repo": "nixpkgs", "rev": "8fd9daa3db09ced9700431c5b7ad0e8ba199b575", "type": "github"},
      "original": {"owner": "NixOS", "ref": "nixos-25.11", "repo": "nixpkgs", "type": "github"}
    },
    "root": {"inputs": {"nixpkgs": "nixpkgs"}}
  },
  "root": "root",
  "version": 7
}`

func TestCheckLock(t *testing.T) {
	inputs := map[string]Input{"nixpkgs": {URL: "github:NixOS/nixpkgs/nixos-25.11"}}
	tests := []struct {
		name    string
		edit    func(string) string
		inputs  map[string]Input
		wantErr string // "" for no error
	}{
		{name: "good", edit: func(s string) string { return s }},
		{name: "short rev", edit: func(s string) string {
			return strings.Replace(s, "8fd9daa3db09ced9700431c5b7ad0e8ba199b575", "8fd9daa3", 1)
		}, wantErr: "not a full commit id"},
		{name: "no narHash", edit: func(s string) string {
			return strings.Replace(s, `"narHash": "sha256-Ti+ZBvW6yrWWAg2szExVTwCd4qOJ3KlVr1tFHfyfi8Q=",`, "", 1)
		}, wantErr: "narHash"},
		{name: "truncated narHash", edit: func(s string) string { return strings.Replace(s, "Ti+ZBvW6", "", 1) }, wantErr: "not 32 bytes"},
		{name: "other branch in flake.nix", edit: func(s string) string { return s },
			inputs: map[string]Input{"nixpkgs": {URL: "github:NixOS/nixpkgs/nixos-25.05"}}, wantErr: "flake.lock was made for"},
		{name: "input not locked", edit: func(s string) string { return s },
			inputs: map[string]Input{"nixpkgs": inputs["nixpkgs"], "flake-utils": {URL: "github:numtide/flake-utils"}}, wantErr: "flake-utils: not in the root node"},
		{name: "version", edit: func(s string) string { return strings.Replace(s, `"version": 7`, `"version": 6`, 1) }, wantErr: "version = 6"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, err := ParseLock([]byte(tt.edit(goodLock)))
			if err != nil {
				t.Fatal(err)
			}
			in := tt.inputs
			if in == nil {
				in = inputs
			}
			err = CheckLock(l, in)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("CheckLock() = %v, want nil", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("CheckLock() = %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestParseLockRejectsJunk(t *testing.T) {
	if _, err := ParseLock([]byte("{")); err == nil {
		t.Error("ParseLock(\"{\") = nil error, want one")
	}
}
