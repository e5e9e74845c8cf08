package nixcheck

import (
	"strings"
	"testing"
)

// fixture is a small evaluated flake that satisfies fixtureExpect.
func fixture() (*Flake, []Pin, Expect) {
	pins := []Pin{
		{Name: "linux", Path: "pool/main/l/linux/linux_1.orig.tar.xz", SHA256: strings.Repeat("a", 64)},
		{Name: "edk2", Path: "pool/main/e/edk2/edk2_1.orig.tar.xz", SHA256: strings.Repeat("b", 64)},
		{Name: "ref", Path: "pool/main/r/ref/ref_1_all.deb", SHA256: strings.Repeat("e", 64)},
	}
	fetch := func(p Pin) map[string]any {
		return map[string]any{"stub": "fetchurl", "url": DebianMirror + p.Path, "sha256": p.SHA256}
	}
	env := func(extra map[string]any) map[string]any {
		m := map[string]any{"LC_ALL": "C", "TZ": "UTC", "PYTHONHASHSEED": "0", "SOURCE_DATE_EPOCH": "7"}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	f := &Flake{
		Root: "/r",
		Self: &Self{LastModified: 7},
		Packages: map[string]map[string]Record{System: {
			"kernel": {
				"stub": "mkDerivation", "src": fetch(pins[0]), "env": env(nil),
				"manxScripts":   []any{"kernel/configure.sh", "kernel/build.sh"},
				"manxFragments": []any{"00-a.fragment"},
				"manxOutputs":   []any{"bzImage"},
				"buildPhase":    "cp /r/kernel/config/00-a.fragment x; run /r/kernel/configure.sh; run /r/kernel/build.sh",
				"installPhase":  `install "$MANX_WORK/out/bzImage" "$out/bzImage"`,
			},
			"ovmf": {
				"stub": "mkDerivation", "src": fetch(pins[1]), "env": env(map[string]any{"MANX_DSC": "X.dsc"}),
				"manxScripts":  []any{"firmware/edk2/build.sh"},
				"manxOutputs":  []any{"OVMF.fd"},
				"buildPhase":   "run /r/firmware/edk2/build.sh",
				"installPhase": `install "$MANX_WORK/out/OVMF.fd" "$out/OVMF.fd"`,
			},
			"userland": {"stub": "buildGoModule", "vendorHash": "sha256-x", "manxCommand": "go run mage.go build:initramfs", "buildPhase": "go run mage.go build:initramfs"},
		}},
		Checks:    map[string]map[string]Record{System: {"go-test": {"stub": "buildGoModule", "manxPins": []any{fetch(pins[2])}}}},
		DevShells: map[string]map[string]Record{System: {"default": {"stub": "mkShell", "packages": []any{map[string]any{"stub": "package", "name": "go"}}}}},
	}
	want := Expect{
		Pins:      map[string][]string{"kernel": {"linux"}, "ovmf": {"edk2"}, "userland": nil},
		CheckPins: map[string][]string{"go-test": {"ref"}},
		Kernel:    Recipe{Package: "kernel", Scripts: []string{"kernel/configure.sh", "kernel/build.sh"}, Fragments: []string{"00-a.fragment"}, Outputs: []string{"bzImage"}},
		Firmware:  []Recipe{{Package: "ovmf", Scripts: []string{"firmware/edk2/build.sh"}, Env: map[string]string{"MANX_DSC": "X.dsc"}, Outputs: []string{"OVMF.fd"}}},
		Go:        map[string]string{"userland": "go run mage.go build:initramfs"},
		Checks:    []string{"go-test"},
		DevShell:  []string{"go"},
	}
	return f, pins, want
}

func TestVerifyFindsMistakes(t *testing.T) {
	pkg := func(f *Flake, name string) Record { return f.Packages[System][name] }
	tests := []struct {
		name    string
		edit    func(f *Flake, pins *[]Pin, want *Expect)
		wantErr string // "" for no error
	}{
		{name: "good", edit: func(*Flake, *[]Pin, *Expect) {}},
		{name: "https URL", edit: func(f *Flake, _ *[]Pin, _ *Expect) {
			pkg(f, "kernel")["src"].(map[string]any)["url"] = "https://deb.debian.org/debian/pool/main/l/linux/linux_1.orig.tar.xz"
		}, wantErr: "is not mirror://debian/"},
		{name: "wrong sha256", edit: func(f *Flake, _ *[]Pin, _ *Expect) {
			pkg(f, "ovmf")["src"].(map[string]any)["sha256"] = strings.Repeat("c", 64)
		}, wantErr: "pins.json has bbbb"},
		{name: "unknown path", edit: func(f *Flake, _ *[]Pin, _ *Expect) {
			pkg(f, "kernel")["src"].(map[string]any)["url"] = DebianMirror + "pool/x"
		}, wantErr: "names no pin"},
		{name: "unused pin", edit: func(_ *Flake, pins *[]Pin, _ *Expect) {
			*pins = append(*pins, Pin{Name: "extra", Path: "pool/e", SHA256: strings.Repeat("d", 64)})
		}, wantErr: "pin extra (pins.json) is fetched by no package"},
		{name: "test pin fetched by no check", edit: func(f *Flake, _ *[]Pin, w *Expect) {
			delete(f.Checks[System]["go-test"], "manxPins")
			w.CheckPins = nil
		}, wantErr: "pin ref (pins.json) is fetched by no package and no check"},
		{name: "check fetches the wrong pin", edit: func(_ *Flake, _ *[]Pin, w *Expect) { w.CheckPins["go-test"] = []string{"edk2"} },
			wantErr: `checks.go-test: fetches pins ["ref"], want ["edk2"]`},
		{name: "check fetches a wrong sha256", edit: func(f *Flake, _ *[]Pin, _ *Expect) {
			f.Checks[System]["go-test"]["manxPins"].([]any)[0].(map[string]any)["sha256"] = strings.Repeat("f", 64)
		}, wantErr: "checks.go-test: fetchurl"},
		{name: "pin on the wrong package", edit: func(_ *Flake, _ *[]Pin, w *Expect) { w.Pins["ovmf"] = []string{"linux"} },
			wantErr: `ovmf: fetches pins ["edk2"], want ["linux"]`},
		{name: "missing package", edit: func(f *Flake, _ *[]Pin, _ *Expect) { delete(f.Packages[System], "userland") },
			wantErr: "packages.x86_64-linux.userland is missing"},
		{name: "script order", edit: func(f *Flake, _ *[]Pin, _ *Expect) {
			pkg(f, "kernel")["buildPhase"] = "cp /r/kernel/config/00-a.fragment x; run /r/kernel/build.sh; run /r/kernel/configure.sh"
		}, wantErr: "out of order"},
		{name: "fragment not copied", edit: func(_ *Flake, _ *[]Pin, w *Expect) { w.Kernel.Fragments = []string{"00-a.fragment", "10-b.fragment"} },
			wantErr: "manxFragments"},
		{name: "defines differ", edit: func(_ *Flake, _ *[]Pin, w *Expect) { w.Firmware[0].Env["MANX_DEFINES"] = "-D SMM_REQUIRE=TRUE" },
			wantErr: `env.MANX_DEFINES = "", want "-D SMM_REQUIRE=TRUE"`},
		{name: "epoch", edit: func(f *Flake, _ *[]Pin, _ *Expect) { f.Self.LastModified = 8 },
			wantErr: "SOURCE_DATE_EPOCH"},
		{name: "output not installed", edit: func(f *Flake, _ *[]Pin, _ *Expect) { pkg(f, "ovmf")["installPhase"] = "" },
			wantErr: "does not install OVMF.fd"},
		{name: "go command", edit: func(_ *Flake, _ *[]Pin, w *Expect) { w.Go["userland"] = "go build ./..." },
			wantErr: "userland: runs"},
		{name: "dev shell", edit: func(_ *Flake, _ *[]Pin, w *Expect) { w.DevShell = append(w.DevShell, "nasm") },
			wantErr: "lacks nasm"},
		{name: "check", edit: func(f *Flake, _ *[]Pin, _ *Expect) { delete(f.Checks[System], "go-test") },
			wantErr: "checks.x86_64-linux.go-test is missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, pins, want := fixture()
			tt.edit(f, &pins, &want)
			err := Verify(f, pins, want)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("Verify() = %v, want nil", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("Verify() = %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}
