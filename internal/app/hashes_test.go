package app

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"manx/internal/manifest"
	"manx/internal/pins"
)

// fakeBuild writes a build/ with a file for every published artefact and
// returns its manifest, built from the given pins and keys.
func fakeBuild(t *testing.T, dir string, pl *pins.List, keys map[string]string, content func(name string) string) *manifest.Manifest {
	t.Helper()
	for _, s := range manifest.X86_64() {
		p := filepath.Join(dir, filepath.FromSlash(s.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content(s.Name)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := manifest.Collect(dir, manifest.X86_64(), manifest.Sources{Pins: pl, Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	m := manifest.Normalize(manifest.Manifest{Arch: "x86_64", Epoch: 1763900000, Version: "gtest",
		Toolchain: "debian-bookworm-test", Go: "go1.26.8", Artefacts: entries})
	return &m
}

func testPins(t *testing.T, linuxSHA string) *pins.List {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", pins.File))
	if err != nil {
		t.Fatal(err)
	}
	pl, err := pins.Parse([]byte(strings.Replace(string(b),
		"efc76d3c78a5d65f42724118c437d11db1c9f6309a5f024ee9a8b1978fdc6919", linuxSHA, 1)))
	if err != nil {
		t.Fatal(err)
	}
	return pl
}

// TestReportAlteredPin: the Linux pin's content changes (another sha256),
// so the kernel and everything built from it come out different. The
// report names each of them MISMATCH with the pin as the differing input,
// and fails; the key-independent rest still matches.
func TestReportAlteredPin(t *testing.T) {
	keys := map[string]string{manifest.KeyPK: sha("pk"), manifest.KeyKEK: sha("kek"), manifest.KeyDB: sha("db"), manifest.KeyOSPkgRoot: sha("root")}
	same := func(name string) string { return "bytes of " + name }
	pub := fakeBuild(t, t.TempDir(), testPins(t, "efc76d3c78a5d65f42724118c437d11db1c9f6309a5f024ee9a8b1978fdc6919"), keys, same)

	altered := strings.Repeat("ab", 32)
	linuxBuilt := map[string]bool{"kernel": true, "uki": true, "uki-stboot": true, "ospkg": true, "snp-measurements": true}
	built := fakeBuild(t, t.TempDir(), testPins(t, altered), keys, func(name string) string {
		if linuxBuilt[name] {
			return "other bytes of " + name
		}
		return same(name)
	})

	summary, err := report(pub, built)
	if err == nil {
		t.Fatalf("report(altered linux pin) = nil error, want a failure")
	}
	if !strings.Contains(err.Error(), "5 artefact(s) differ") {
		t.Errorf("report error = %v, want it to count 5 differing artefacts", err)
	}
	if want := "11 of 16 artefacts match; 5 mismatch, 0 missing, 0 extra, 0 built with other keys"; summary != want {
		t.Errorf("summary = %q, want %q", summary, want)
	}
	for _, d := range manifest.Compare(pub, built) {
		if linuxBuilt[d.Name] != (d.Status == manifest.Mismatch) {
			t.Errorf("%s: status %s, want MISMATCH exactly for the artefacts built from linux", d.Name, d.Status)
		}
		if d.Status == manifest.Mismatch && !strings.Contains(strings.Join(d.Inputs, "; "), "pin linux: published efc76d3c78a5d65f, built abababababababab") {
			t.Errorf("%s: inputs %q, want the linux pin named", d.Name, d.Inputs)
		}
	}
}

// TestReportOtherKeys: a clean machine generates its own keys; the artefacts
// that embed them differ and are reported, not failed.
func TestReportOtherKeys(t *testing.T) {
	pl := testPins(t, "efc76d3c78a5d65f42724118c437d11db1c9f6309a5f024ee9a8b1978fdc6919")
	mine := map[string]string{manifest.KeyPK: sha("pk"), manifest.KeyKEK: sha("kek"), manifest.KeyDB: sha("db"), manifest.KeyOSPkgRoot: sha("root")}
	theirs := map[string]string{manifest.KeyPK: sha("pk2"), manifest.KeyKEK: sha("kek2"), manifest.KeyDB: sha("db2"), manifest.KeyOSPkgRoot: sha("root2")}
	pub := fakeBuild(t, t.TempDir(), pl, mine, func(n string) string { return n })
	built := fakeBuild(t, t.TempDir(), pl, theirs, func(n string) string {
		for _, s := range manifest.X86_64() {
			if s.Name == n && len(s.Keys) > 0 {
				return n + " with other keys"
			}
		}
		return n
	})
	summary, err := report(pub, built)
	if err != nil {
		t.Fatalf("report(other keys) = %v, want no failure", err)
	}
	if want := "10 of 16 artefacts match; 0 mismatch, 0 missing, 0 extra, 6 built with other keys"; summary != want {
		t.Errorf("summary = %q, want %q", summary, want)
	}
}

// sha stands in for a certificate's sha256.
func sha(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}
