package main

import (
	"io"
	"os/exec"
	"testing"
	"time"
)

func TestIsVT(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"/dev/tty1", true}, {"/dev/tty12", true}, {"/dev/ttyS0", false}, {"/dev/tty", false},
		{"/dev/hvc0", false}, {"/dev/tty1x", false}, {"", false},
	} {
		if got := isVT(tc.in); got != tc.want {
			t.Errorf("isVT(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// TestReaper starts real processes through start and the reaper.
func TestReaper(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	r := newReaper(console{io.Discard})
	for _, tc := range []struct {
		script string
		want   string
	}{
		{"exit 0", "status 0"},
		{"exit 3", "status 3"},
		{"kill -9 $$", "signal killed"},
	} {
		pid, err := start([]string{sh, "-c", tc.script}, "")
		if err != nil {
			t.Fatalf("start(%q) error = %v", tc.script, err)
		}
		select {
		case ws := <-r.wait(pid):
			if got := describe(ws); got != tc.want {
				t.Errorf("sh -c %q: %s, want %s", tc.script, got, tc.want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("sh -c %q: not reaped", tc.script)
		}
	}
}
