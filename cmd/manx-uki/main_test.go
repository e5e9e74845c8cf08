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
