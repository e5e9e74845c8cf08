package publish

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"manx/catalog"
	"manx/internal/buildenv"
	"manx/internal/manifest"
	"manx/internal/pins"
	"manx/pipeline"
	"manx/sign/keys"
	"manx/sign/siglog"
)

// fakeBuild writes a build/ with a file for every published artefact and
// returns its manifest, built from the given pins and keys.
func fakeBuild(t *testing.T, dir string, pl *pins.List, keys map[string]string, content func(name string) string) *manifest.Manifest {
	t.Helper()
	for _, s := range Specs() {
		p := filepath.Join(dir, filepath.FromSlash(s.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content(s.Name)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := manifest.Collect(dir, Specs(), manifest.Sources{Pins: pl, Keys: keys})
	if err != nil {
		t.Fatal(err)
	}
	for i := range entries {
		entries[i].Epoch, entries[i].Version = 1763900000, "gtest"
	}
	m := manifest.Normalize(manifest.Manifest{Arch: "x86_64", Epoch: 1763900000, Version: "gtest",
		Toolchain: "debian-bookworm-test", Go: "go1.26.8", Artefacts: entries})
	return &m
}

func testPins(t *testing.T, linuxSHA string) *pins.List {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", pins.File))
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
	keys := testKeys("")
	same := func(name string) string { return "bytes of " + name }
	pub := fakeBuild(t, t.TempDir(), testPins(t, "efc76d3c78a5d65f42724118c437d11db1c9f6309a5f024ee9a8b1978fdc6919"), keys, same)

	altered := strings.Repeat("ab", 32)
	linuxBuilt := map[string]bool{"kernel": true, "kernel-signed": true, "uki": true, "uki-signed": true, "uki-stboot": true,
		"uki-stboot-signed": true, "ospkg": true, "ospkg-descriptor": true, "snp-measurements": true, "image-disk": true}
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
	if !strings.Contains(err.Error(), "10 artefact(s) differ") {
		t.Errorf("report error = %v, want it to count 10 differing artefacts", err)
	}
	if want := "11 of 21 artefacts match; 10 mismatch, 0 missing, 0 extra, 0 built with other keys"; summary != want {
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
	mine, theirs := testKeys(""), testKeys("2")
	pub := fakeBuild(t, t.TempDir(), pl, mine, func(n string) string { return n })
	built := fakeBuild(t, t.TempDir(), pl, theirs, func(n string) string {
		for _, s := range Specs() {
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
	if want := "7 of 21 artefacts match; 0 mismatch, 0 missing, 0 extra, 14 built with other keys"; summary != want {
		t.Errorf("summary = %q, want %q", summary, want)
	}
}

// testKeys stands in for the certificate fingerprints of one key hierarchy.
func testKeys(suffix string) map[string]string {
	return map[string]string{string(catalog.KeyPK): sha("pk" + suffix), string(catalog.KeyKEK): sha("kek" + suffix), string(catalog.KeyDB): sha("db" + suffix),
		string(catalog.KeyKexec): sha("kexec" + suffix), string(catalog.KeyOSPkgRoot): sha("root" + suffix), string(catalog.KeyOSPkgSigner): sha("signer" + suffix)}
}

// sha stands in for a certificate's sha256.
func sha(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// TestPublishedSignaturesMatchManifest: the signature log must carry the
// certificates the manifest records, else the two files are from different
// publishing builds and verify refuses to use them.
func TestPublishedSignaturesMatchManifest(t *testing.T) {
	root := t.TempDir()
	ks, err := keys.Generate(filepath.Join(root, "keys"), time.Unix(1763900000, 0), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	_, log, err := siglog.Record(ks)
	if err != nil {
		t.Fatal(err)
	}
	if err := siglog.Write(filepath.Join(root, filepath.FromSlash(SignaturesFile)), log); err != nil {
		t.Fatal(err)
	}
	a := Publisher{P: &pipeline.Pipeline{Env: &buildenv.Env{Root: root}}}
	pl := testPins(t, "efc76d3c78a5d65f42724118c437d11db1c9f6309a5f024ee9a8b1978fdc6919")
	same := func(n string) string { return n }

	good := certFingerprints(func(r keys.Role) *x509.Certificate { return ks.Get(r).Certificate() })
	if l, err := a.publishedSignatures(fakeBuild(t, t.TempDir(), pl, good, same)); err != nil || l == nil {
		t.Fatalf("publishedSignatures(manifest with the log's keys) = %v, %v; want the log", l, err)
	}
	_, err = a.publishedSignatures(fakeBuild(t, t.TempDir(), pl, testKeys("other"), same))
	if err == nil || !strings.Contains(err.Error(), SignaturesFile) || !strings.Contains(err.Error(), HashesFile) {
		t.Errorf("publishedSignatures(manifest with other keys) = %v, want an error naming both files", err)
	}

	if err := os.Remove(filepath.Join(root, filepath.FromSlash(SignaturesFile))); err != nil {
		t.Fatal(err)
	}
	if l, err := a.publishedSignatures(fakeBuild(t, t.TempDir(), pl, good, same)); err != nil || l != nil {
		t.Errorf("publishedSignatures(no log) = %v, %v; want nil, nil", l, err)
	}
}

// TestSpecs checks the published part of the catalogue: the artefact count
// the reproducibility contract lists (4 OVMF files, 6 var stores, kernel and
// its kexec-signed copy, initramfs, 2 UKIs and their signed copies, OS package
// and descriptor, SNP table, the disk image), pins that exist in pins.json, and names and
// paths the manifest format accepts.
func TestSpecs(t *testing.T) {
	specs := Specs()
	if len(specs) != 21 {
		t.Errorf("len(Specs()) = %d, want 21", len(specs))
	}
	pl := testPins(t, "efc76d3c78a5d65f42724118c437d11db1c9f6309a5f024ee9a8b1978fdc6919")
	m := manifest.Manifest{Arch: "x86_64", Version: "dev", Toolchain: "host"}
	for _, s := range specs {
		for _, p := range s.Pins {
			if _, err := pl.Get(p); err != nil {
				t.Errorf("%s: %v", s.Name, err)
			}
		}
		m.Artefacts = append(m.Artefacts, manifest.Entry{Name: s.Name, Path: s.Path, SHA256: strings.Repeat("ab", 32), Version: "gtest"})
	}
	if _, err := manifest.Marshal(m); err != nil {
		t.Errorf("Marshal(published catalogue) = %v, want names and paths that validate", err)
	}
}

// TestPublishedKexecCert: the committed kexec certificate (which the flake's
// kernel embeds) is the one in the committed signature log.
func TestPublishedKexecCert(t *testing.T) {
	root := filepath.Join("..")
	l, err := siglog.Read(filepath.Join(root, filepath.FromSlash(SignaturesFile)))
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(KexecCertFile)))
	if err != nil {
		t.Fatalf("%v (go run mage.go hashes writes it)", err)
	}
	blk, rest := pem.Decode(b)
	if blk == nil || blk.Type != "CERTIFICATE" || len(bytes.TrimSpace(rest)) != 0 {
		t.Fatalf("%s: want exactly one PEM CERTIFICATE", KexecCertFile)
	}
	if want := l.Certificate(keys.Kexec); want == nil || !bytes.Equal(blk.Bytes, want.Raw) {
		t.Errorf("%s is not the kexec certificate of %s: republish both with go run mage.go hashes", KexecCertFile, SignaturesFile)
	}
}
