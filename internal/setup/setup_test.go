package setup

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"manx/internal/testutil"
)

func fakeHost(have map[string]bool, qemu int, root bool, ran *[]string) Host {
	return Host{
		Look:      func(c string) bool { return have[c] },
		QEMUMajor: func(string) int { return qemu },
		Codename:  "bookworm",
		Root:      root,
		Run: func(ctx context.Context, name string, args ...string) error {
			*ran = append(*ran, strings.Join(args, " "))
			for _, n := range Needs { // pretend apt installed everything
				have[n.Check] = true
			}
			return nil
		},
		Mirror:   func() (string, error) { return "http://mirror.example/debian", nil },
		SourcesD: "/nonexistent",
	}
}

func allPresent() map[string]bool {
	m := map[string]bool{}
	for _, n := range Needs {
		m[n.Check] = true
	}
	return m
}

func TestMissing(t *testing.T) {
	have := allPresent()
	var ran []string
	if got := Missing(fakeHost(have, 10, true, &ran)); len(got) != 0 {
		t.Errorf("Missing(all present) = %v, want none", got)
	}
	if got := Missing(fakeHost(have, 7, true, &ran)); len(got) != 1 || got[0].Package != "qemu-system-x86" {
		t.Errorf("Missing(qemu 7) = %v, want qemu-system-x86", got)
	}
	delete(have, "swtpm")
	if got := Missing(fakeHost(have, 10, true, &ran)); len(got) != 1 || got[0].Package != "swtpm" {
		t.Errorf("Missing(no swtpm) = %v, want swtpm", got)
	}
}

func TestCommands(t *testing.T) {
	missing := []Need{{Package: "swtpm"}, {Package: "qemu-system-x86", Backports: true}}
	want := []string{
		"apt-get update",
		"DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends swtpm",
		"DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends -t bookworm-backports qemu-system-x86",
	}
	if diff := cmp.Diff(want, Commands(missing, "bookworm")); diff != "" {
		t.Errorf("Commands() mismatch (-want +got):\n%s", diff)
	}
	if got := Commands(missing, "trixie"); len(got) != 2 {
		t.Errorf("Commands(trixie) = %v, want one install line without backports", got)
	}
	if got := Commands(nil, "bookworm"); len(got) != 0 {
		t.Errorf("Commands(nothing missing) = %v, want none", got)
	}
}

func TestEnsureNotRootExplains(t *testing.T) {
	have := allPresent()
	delete(have, "podman")
	var ran []string
	err := Ensure(context.Background(), fakeHost(have, 10, false, &ran), testutil.Logger(t))
	if err == nil || !strings.Contains(err.Error(), "apt-get install -y --no-install-recommends podman") {
		t.Fatalf("Ensure(not root) = %v, want the exact command", err)
	}
	if len(ran) != 0 {
		t.Errorf("Ensure(not root) ran %v", ran)
	}
}

func TestEnsureRootInstalls(t *testing.T) {
	have := allPresent()
	delete(have, "mcopy")
	var ran []string
	if err := Ensure(context.Background(), fakeHost(have, 10, true, &ran), testutil.Logger(t)); err != nil {
		t.Fatal(err)
	}
	if len(ran) != 2 || !strings.Contains(ran[1], "mtools") {
		t.Errorf("Ensure ran %q, want apt-get update and install mtools", ran)
	}
}

func TestParseQEMUMajor(t *testing.T) {
	for in, want := range map[string]int{
		"QEMU emulator version 10.0.2 (Debian 1:10.0.2+ds-2+deb13u1~bpo12+1)": 10,
		"QEMU emulator version 7.2.19 (Debian 1:7.2+dfsg-7+deb12u18)":         7,
		"garbage": 0,
	} {
		if got := ParseQEMUMajor(in); got != want {
			t.Errorf("ParseQEMUMajor(%q) = %d, want %d", in, got, want)
		}
	}
}
