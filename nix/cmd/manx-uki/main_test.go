package main

import (
	"strings"
	"testing"
)

func TestRunRefusesMissingFlags(t *testing.T) {
	full := []string{"-kernel", "k", "-initrd", "i", "-stub-deb", "s", "-uname", "u", "-version", "v", "-out", "o"}
	tests := []struct {
		name    string
		drop    string // flag to leave out
		wantErr string
	}{
		{name: "kernel", drop: "-kernel", wantErr: "-kernel is required"},
		{name: "stub", drop: "-stub-deb", wantErr: "-stub-deb is required"},
		{name: "out", drop: "-out", wantErr: "-out is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var args []string
			for i := 0; i < len(full); i += 2 {
				if full[i] != tt.drop {
					args = append(args, full[i], full[i+1])
				}
			}
			if err := run(args); err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("run(%q) = %v, want an error containing %q", args, err, tt.wantErr)
			}
		})
	}
}

func TestOSRelease(t *testing.T) {
	got := osRelease("g0123456789ab")
	want := "NAME=\"Manx\"\nID=manx\nVERSION_ID=g0123456789ab\nPRETTY_NAME=\"Manx g0123456789ab\"\n"
	if got != want {
		t.Errorf("osRelease() = %q, want %q", got, want)
	}
}
