package toolchain

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"manx/internal/testutil"
)

func TestBuildArgs(t *testing.T) {
	got := BuildArgs("docker.io/nixos/nix:2.28.4", "/src/manx", "/b/firmware/ovmf-pflash", "ovmf-pflash",
		[]string{"OVMF_CODE.fd", "OVMF_VARS.fd"})
	want := []string{"run", "--rm", "--privileged",
		"-v", "manx-nix:/nix", "-v", "/src/manx:/src:ro", "-v", "/b/firmware/ovmf-pflash:/out:rw",
		"docker.io/nixos/nix:2.28.4", "sh", "-c",
		"set -eu\n" +
			"git config --global --add safe.directory /src\n" +
			"nix --extra-experimental-features 'nix-command flakes' build --option sandbox true --print-build-logs " +
			"--out-link /tmp/result 'git+file:///src#ovmf-pflash'\n" +
			"cp -L /tmp/result/OVMF_CODE.fd /out/OVMF_CODE.fd\n" +
			"cp -L /tmp/result/OVMF_VARS.fd /out/OVMF_VARS.fd\n"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("BuildArgs (-want +got):\n%s", diff)
	}
}

func TestNixID(t *testing.T) {
	root, _ := filepath.Abs(filepath.Join("..", ".."))
	if lockedNixpkgs(filepath.Join(root, "flake.lock")) == "" {
		t.Fatal("lockedNixpkgs(flake.lock) = \"\", want the locked nixpkgs rev and narHash")
	}
	o := Options{Root: root, Log: testutil.Discard()}
	a, b := newNix(o).ID(), newNix(o).ID()
	if a != b || !strings.HasPrefix(a, "nix-") {
		t.Errorf("ID() = %q then %q, want one stable nix-<digest>", a, b)
	}
	t.Setenv("MANX_NIX_IMAGE", "localhost/other-nix:1")
	if c := newNix(o).ID(); c == a {
		t.Errorf("ID() with another image = %q, want it to differ from %q", c, a)
	}
}

func TestNixRunRefusesSteps(t *testing.T) {
	n := newNix(Options{Log: testutil.Discard()})
	if err := n.Run(context.Background(), Step{Name: "kernel"}); err == nil || !strings.Contains(err.Error(), "flake outputs") {
		t.Errorf("Run(step) = %v, want a refusal naming flake outputs", err)
	}
}

// TestNixPrepareNoImage: without the image and without a registry the
// backend says what it needs and how to provide it.
func TestNixPrepareNoImage(t *testing.T) {
	if _, err := exec.LookPath("podman"); err != nil {
		t.Skip("podman not installed")
	}
	t.Setenv("MANX_NIX_IMAGE", "localhost:1/manx-no-such-nix:0")
	n := newNix(Options{CacheDir: t.TempDir(), Log: testutil.Discard()})
	err := n.Prepare(context.Background())
	if err == nil {
		t.Fatal("Prepare() = nil, want an error: the image does not exist")
	}
	for _, want := range []string{"localhost:1/manx-no-such-nix:0", "podman load", "MANX_NIX_IMAGE", "MANX_TOOLCHAIN=debian"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Prepare() = %v, want it to mention %q", err, want)
		}
	}
}
