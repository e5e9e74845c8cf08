package main

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseCmdline(t *testing.T) {
	for _, tc := range []struct {
		name         string
		in           string
		wantParams   map[string]string
		wantConsoles []string
	}{
		{"empty", "", map[string]string{}, nil},
		{"typical", "console=ttyS0,115200 console=tty0 manx.test=poweroff quiet\n",
			map[string]string{"console": "tty0", "manx.test": "poweroff", "quiet": ""}, []string{"ttyS0,115200", "tty0"}},
		{"quoted value", `manx.cmd="ls -l /" x=1`, map[string]string{"manx.cmd": "ls -l /", "x": "1"}, nil},
		{"quoted parameter", `"manx.cmd=echo a  b" y`, map[string]string{"manx.cmd": "echo a  b", "y": ""}, nil},
		{"value with equals", "root=PARTUUID=abc", map[string]string{"root": "PARTUUID=abc"}, nil},
		{"last wins", "a=1 a=2", map[string]string{"a": "2"}, nil},
		{"init args ignored", "a=1 -- manx.test=poweroff", map[string]string{"a": "1"}, nil},
		{"empty name", "=x b", map[string]string{"b": ""}, nil},
		{"tabs and NUL", "a=1\tb=2\x00c", map[string]string{"a": "1", "b": "2", "c": ""}, nil},
		{"unterminated quote", `a="x y`, map[string]string{"a": "x y"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := parseCmdline(tc.in)
			if diff := cmp.Diff(tc.wantParams, got.params); diff != "" {
				t.Errorf("parseCmdline(%q).params mismatch (-want +got):\n%s", tc.in, diff)
			}
			if diff := cmp.Diff(tc.wantConsoles, got.consoles); diff != "" {
				t.Errorf("parseCmdline(%q).consoles mismatch (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

func TestTerminals(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"", []string{"/dev/tty1"}},
		{"console=ttyS0,115200n8 console=tty0", []string{"/dev/ttyS0", "/dev/tty1"}},
		{"console=tty0 console=ttyS0 console=ttyS0,9600", []string{"/dev/tty1", "/dev/ttyS0"}},
		{"console=null", []string{"/dev/tty1"}},
		{"console=../etc/x console=hvc0", []string{"/dev/hvc0"}},
	} {
		if got := parseCmdline(tc.in).terminals(); !cmp.Equal(got, tc.want) {
			t.Errorf("parseCmdline(%q).terminals() = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func FuzzParseCmdline(f *testing.F) {
	f.Add("console=ttyS0,115200 console=tty0 manx.test=poweroff")
	f.Add(`manx.cmd="echo hi" -- x`)
	f.Add(`"a=b c"=d`)
	f.Fuzz(func(t *testing.T, s string) {
		c := parseCmdline(s)
		for k := range c.params {
			if k == "" || strings.ContainsAny(k, "=\"") {
				t.Fatalf("parseCmdline(%q) has name %q", s, k)
			}
		}
		for _, tty := range c.terminals() {
			if !strings.HasPrefix(tty, "/dev/") || strings.Contains(tty[5:], "/") {
				t.Fatalf("parseCmdline(%q).terminals() has %q", s, tty)
			}
		}
	})
}
