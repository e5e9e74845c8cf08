package main

import (
	"errors"
	"testing"
)

func TestLockdownLine(t *testing.T) {
	tests := []struct {
		name string
		read func(string) ([]byte, error)
		want string
	}{
		{"integrity", func(string) ([]byte, error) { return []byte("none [integrity] confidentiality\n"), nil },
			"manx: lockdown: none [integrity] confidentiality"},
		{"none", func(string) ([]byte, error) { return []byte("[none] integrity confidentiality\n"), nil },
			"manx: lockdown: [none] integrity confidentiality"},
		{"no securityfs", func(string) ([]byte, error) { return nil, errors.New("no such file or directory") },
			"manx: lockdown: unknown (no such file or directory)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := lockdownLine(tt.read); got != tt.want {
				t.Errorf("lockdownLine() = %q, want %q", got, tt.want)
			}
		})
	}
}
