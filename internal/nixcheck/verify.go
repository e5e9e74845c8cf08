package nixcheck

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// DebianMirror is the URL prefix every pinned file must be fetched from:
// nixpkgs' Debian mirror list, followed by the pin's pool path.
const DebianMirror = "mirror://debian/"

// Pin is the part of a pins.json entry the flake must reproduce.
type Pin struct {
	Name   string `json:"name"`
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

// LoadPins reads root/pins.json.
func LoadPins(root string) ([]Pin, error) {
	b, err := os.ReadFile(filepath.Join(root, "pins.json"))
	if err != nil {
		return nil, fmt.Errorf("reading pins: %w", err)
	}
	var l struct {
		Pins []Pin `json:"pins"`
	}
	if err := json.Unmarshal(b, &l); err != nil {
		return nil, fmt.Errorf("decoding pins.json: %w", err)
	}
	return l.Pins, nil
}

// Expect is what the flake must agree with, taken from the Go side of Manx
// by the caller (the test imports manx/kernel and manx/firmware/edk2).
type Expect struct {
	// Pins maps each package to the names of the pins it fetches, exactly.
	Pins map[string][]string
	// CheckPins maps each check to the names of the pins it fetches, exactly
	// (test-only reference data, such as the SEV-SNP vectors' firmware).
	CheckPins map[string][]string
	// Kernel is the kernel package.
	Kernel Recipe
	// Firmware are the OVMF packages.
	Firmware []Recipe
	// Go maps each Go package to the command its build runs.
	Go map[string]string
	// Checks are the names the flake's checks must include.
	Checks []string
	// DevShell are packages the default dev shell must include.
	DevShell []string
}

// Recipe is a package built by Manx recipe scripts.
type Recipe struct {
	Package   string
	Scripts   []string          // recipe scripts, relative to the repository root, in run order
	Fragments []string          // kernel only: fragment file names in merge order
	Env       map[string]string // variables the scripts get (MANX_DSC, ...)
	Outputs   []string          // files installed from $MANX_WORK/out
}

// Verify compares the evaluated flake with pins and want and reports every
// difference.
func Verify(f *Flake, pins []Pin, want Expect) error {
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	pkgs := f.Packages[System]
	if pkgs == nil {
		return fmt.Errorf("no packages.%s", System)
	}
	epoch := ""
	if f.Self != nil {
		epoch = strconv.FormatInt(f.Self.LastModified, 10)
	}

	// Every fetched file is a pin: mirror://debian/<pool path> with its sha256.
	// Packages fetch the build inputs, checks the test-only reference data.
	byPath := map[string]Pin{}
	for _, p := range pins {
		byPath[p.Path] = p
	}
	used := map[string]bool{}
	fetched := func(label string, rec Record) []string {
		var got []string
		for _, fu := range rec.Find("fetchurl") {
			url := fu.Str("url")
			path, ok := strings.CutPrefix(url, DebianMirror)
			if !ok {
				fail("%s: fetchurl %q is not %s<pool path>", label, url, DebianMirror)
				continue
			}
			p, ok := byPath[path]
			if !ok {
				fail("%s: fetchurl %q names no pin in pins.json", label, url)
				continue
			}
			if fu.Str("sha256") != p.SHA256 {
				fail("%s: fetchurl %q sha256 = %s, pins.json has %s", label, url, fu.Str("sha256"), p.SHA256)
			}
			got = append(got, p.Name)
			used[p.Name] = true
		}
		return uniqueSorted(got)
	}
	for _, name := range sortedKeys(pkgs) {
		got := fetched(name, pkgs[name])
		if w, ok := want.Pins[name]; ok && !slices.Equal(got, uniqueSorted(w)) {
			fail("%s: fetches pins %q, want %q", name, got, uniqueSorted(w))
		}
	}
	for name := range want.Pins {
		if _, ok := pkgs[name]; !ok {
			fail("packages.%s.%s is missing", System, name)
		}
	}
	checks := f.Checks[System]
	for _, name := range sortedKeys(checks) {
		label := "checks." + name
		got := fetched(label, checks[name])
		if w, ok := want.CheckPins[name]; ok && !slices.Equal(got, uniqueSorted(w)) {
			fail("%s: fetches pins %q, want %q", label, got, uniqueSorted(w))
		}
	}
	for name := range want.CheckPins {
		if _, ok := checks[name]; !ok {
			fail("checks.%s.%s is missing", System, name)
		}
	}
	for _, p := range pins {
		if !used[p.Name] {
			fail("pin %s (pins.json) is fetched by no package and no check", p.Name)
		}
	}

	for _, r := range append([]Recipe{want.Kernel}, want.Firmware...) {
		if r.Package == "" {
			continue
		}
		rec, ok := pkgs[r.Package]
		if !ok {
			fail("packages.%s.%s is missing", System, r.Package)
			continue
		}
		errs = append(errs, checkRecipe(f.Root, r.Package, rec, r, epoch)...)
	}

	for name, cmd := range want.Go {
		rec, ok := pkgs[name]
		if !ok {
			fail("packages.%s.%s is missing", System, name)
			continue
		}
		if rec.Kind() != "buildGoModule" {
			fail("%s: built with %s, want buildGoModule", name, rec.Kind())
		}
		if got := rec.Str("manxCommand"); got != cmd || !strings.Contains(rec.Str("buildPhase"), cmd) {
			fail("%s: runs %q (buildPhase %q), want %q", name, got, rec.Str("buildPhase"), cmd)
		}
		if rec.Str("vendorHash") == "" {
			fail("%s: no vendorHash", name)
		}
	}

	for _, c := range want.Checks {
		if _, ok := checks[c]; !ok {
			fail("checks.%s.%s is missing", System, c)
		}
	}
	shell, ok := f.DevShells[System]["default"]
	if !ok {
		fail("devShells.%s.default is missing", System)
	} else {
		have := shell.Strings("packages")
		for _, p := range want.DevShell {
			if !slices.Contains(have, p) {
				fail("devShells.%s.default lacks %s", System, p)
			}
		}
	}
	return errors.Join(errs...)
}

// checkRecipe checks a recipe derivation runs the recipe's scripts in order
// from the repository, with the recipe's variables and the flake's epoch.
func checkRecipe(root, name string, rec Record, r Recipe, epoch string) []error {
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(name+": "+format, args...)) }
	if rec.Kind() != "mkDerivation" {
		fail("built with %s, want stdenv.mkDerivation", rec.Kind())
	}
	if got := rec.Strings("manxScripts"); !slices.Equal(got, r.Scripts) {
		fail("manxScripts = %q, want %q", got, r.Scripts)
	}
	phase := rec.Str("buildPhase")
	at := -1
	for _, s := range r.Scripts {
		i := strings.Index(phase, root+"/"+s)
		if i < 0 {
			fail("buildPhase does not run %s/%s", root, s)
			continue
		}
		if i < at {
			fail("buildPhase runs %s out of order", s)
		}
		at = i
	}
	if r.Fragments != nil {
		if got := rec.Strings("manxFragments"); !slices.Equal(got, r.Fragments) {
			fail("manxFragments = %q, want %q", got, r.Fragments)
		}
		for _, fr := range r.Fragments {
			if !strings.Contains(phase, root+"/kernel/config/"+fr) {
				fail("buildPhase does not copy kernel/config/%s", fr)
			}
		}
	}
	env := rec.Env()
	for _, k := range sortedKeys(r.Env) {
		if env[k] != r.Env[k] {
			fail("env.%s = %q, want %q", k, env[k], r.Env[k])
		}
	}
	for k, v := range map[string]string{"LC_ALL": "C", "TZ": "UTC", "PYTHONHASHSEED": "0"} {
		if env[k] != v {
			fail("env.%s = %q, want %q (toolchain base environment)", k, env[k], v)
		}
	}
	if epoch != "" && env["SOURCE_DATE_EPOCH"] != epoch {
		fail("env.SOURCE_DATE_EPOCH = %q, want self.lastModified %s", env["SOURCE_DATE_EPOCH"], epoch)
	}
	if r.Outputs != nil {
		if got := rec.Strings("manxOutputs"); !slices.Equal(got, r.Outputs) {
			fail("manxOutputs = %q, want %q", got, r.Outputs)
		}
		inst := rec.Str("installPhase")
		for _, o := range r.Outputs {
			if !strings.Contains(inst, "$MANX_WORK/out/"+o) {
				fail("installPhase does not install %s", o)
			}
		}
	}
	return errs
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func uniqueSorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return slices.Compact(out)
}
