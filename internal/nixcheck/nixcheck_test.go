package nixcheck_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"manx/deploy/profile"
	"manx/firmware/edk2"
	"manx/firmware/snp/snptest"
	"manx/internal/nixcheck"
	"manx/kernel"
)

// root is the repository root, relative to this package.
var root = filepath.Join("..", "..")

// stubPin is the systemd-boot-efi pin (uki.StubPin).
const stubPin = "systemd-boot-efi"

// expect describes, from the Go side of Manx, what the flake must build.
func expect(t *testing.T) nixcheck.Expect {
	t.Helper()
	ks, err := kernel.Stage(nil)
	if err != nil {
		t.Fatalf("kernel.Stage() error = %v", err)
	}
	names, _, err := kernel.Fragments()
	if err != nil {
		t.Fatalf("kernel.Fragments() error = %v", err)
	}
	var frags []string
	for _, n := range names {
		frags = append(frags, filepath.Base(n))
	}
	want := nixcheck.Expect{
		Pins: map[string][]string{
			"kernel":   {kernel.PinName},
			"userland": nil,
			"uki":      {stubPin},
		},
		CheckPins: map[string][]string{
			"go-test": {snptest.OVMFPin, profile.ShimSigned.Pin},
		},
		Kernel: nixcheck.Recipe{
			Package:   "kernel",
			Scripts:   []string{"kernel/configure.sh", "kernel/build.sh"},
			Fragments: frags,
			Env:       ks.Env,
			Outputs:   ks.Outputs,
		},
		Go: map[string]string{
			"userland": "go run mage.go build:initramfs",
			"uki":      "go run ./cmd/manx-uki",
		},
		Checks:   []string{"go-test"},
		DevShell: []string{"gcc", "gnumake", "bc", "flex", "bison", "elfutils", "openssl", "python3", "nasm", "acpica-tools", "libuuid", "go", "qemu", "podman"},
	}
	if len(ks.Steps) != len(want.Kernel.Scripts) {
		t.Fatalf("kernel.Stage() has %d steps, the flake runs %d scripts: update nix/kernel.nix and this test", len(ks.Steps), len(want.Kernel.Scripts))
	}
	for _, v := range edk2.Variants {
		s := v.Stage()
		want.Pins[v.Name] = []string{edk2.PinName}
		want.Firmware = append(want.Firmware, nixcheck.Recipe{
			Package: v.Name,
			Scripts: []string{"firmware/edk2/build.sh"},
			Env:     s.Env,
			Outputs: v.Outputs,
		})
	}
	return want
}

func tool(t *testing.T) nixcheck.Tool {
	t.Helper()
	nt, err := nixcheck.Find()
	if errors.Is(err, nixcheck.ErrNoNix) {
		t.Skip("nix-instantiate is not installed (apt-get install nix-bin); the flake is not checked")
	}
	if err != nil {
		t.Fatal(err)
	}
	return nt
}

func TestParseAllNixFiles(t *testing.T) {
	nt := tool(t)
	files, err := nixcheck.NixFiles(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"flake.nix", "nix/stub/default.nix", "nix/kernel.nix", "nix/ovmf.nix", "nix/go.nix"} {
		found := false
		for _, f := range files {
			if strings.HasSuffix(filepath.ToSlash(f), want) {
				found = true
			}
		}
		if !found {
			t.Errorf("NixFiles(%s) lacks %s", root, want)
		}
	}
	if err := nt.ParseAll(context.Background(), root); err != nil {
		t.Error(err)
	}
}

// TestFlakeMatchesManx evaluates flake.nix against the stub nixpkgs and
// compares it with pins.json, the kernel recipe and the OVMF variants.
func TestFlakeMatchesManx(t *testing.T) {
	nt := tool(t)
	for _, self := range []nixcheck.Self{nixcheck.StubSelf, {LastModified: 42}} {
		f, err := nt.Eval(context.Background(), root, self)
		if err != nil {
			t.Fatal(err)
		}
		pins, err := nixcheck.LoadPins(root)
		if err != nil {
			t.Fatal(err)
		}
		if err := nixcheck.Verify(f, pins, expect(t)); err != nil {
			t.Errorf("Verify(self=%+v):\n%v", self, err)
		}
		wantVersion := "dev"
		if self.Rev != "" {
			wantVersion = "g" + self.Rev[:12]
		}
		for _, p := range []string{"userland", "uki"} {
			if got := f.Packages[nixcheck.System][p].Env()["MANX_VERSION"]; got != wantVersion {
				t.Errorf("%s: MANX_VERSION = %q with self.rev %q, want %q", p, got, self.Rev, wantVersion)
			}
		}
	}
}

func TestRun(t *testing.T) {
	tool(t)
	if err := nixcheck.Run(context.Background(), root, expect(t)); err != nil {
		t.Error(err)
	}
}

func TestFlakeLock(t *testing.T) {
	l, err := nixcheck.LoadLock(root)
	if err != nil {
		t.Fatal(err)
	}
	inputs := map[string]nixcheck.Input{"nixpkgs": {URL: "github:NixOS/nixpkgs/nixos-25.11"}}
	if err := nixcheck.CheckLock(l, inputs); err != nil {
		t.Error(err)
	}
}
