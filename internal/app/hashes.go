package app

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"manx/internal/manifest"
	"manx/uki/keys"
	"manx/uki/siglog"
)

// HashesFile is the published hash manifest of this architecture, and
// SignaturesFile the publisher's certificates and signatures (uki/siglog)
// that let a rebuild without private keys reproduce the signed and
// key-bearing artefacts; both relative to the repository root.
const (
	HashesFile     = "hashes/x86_64.json"
	SignaturesFile = "hashes/x86_64.signatures.json"
)

// Hashes builds every artefact (cached) and writes HashesFile from them,
// and SignaturesFile from the signatures this build made.
func (a *App) Hashes(ctx context.Context) error {
	if os.Getenv(EnvReplaySignatures) != "" {
		return fmt.Errorf("hashes publishes this build's own keys and signatures: unset %s", EnvReplaySignatures)
	}
	if err := a.buildAllQuiet(ctx); err != nil {
		return err
	}
	ks, err := a.Keys()
	if err != nil {
		return err
	}
	m, err := a.collect(ctx, a.Env.BuildDir, ks, false)
	if err != nil {
		return err
	}
	path := filepath.Join(a.Env.Root, HashesFile)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := manifest.Write(path, *m); err != nil {
		return err
	}
	sigPath := filepath.Join(a.Env.Root, SignaturesFile)
	if err := siglog.Write(sigPath, a.sigs); err != nil {
		return err
	}
	a.Log.Info("Wrote the hash manifest and the signature log", "path", path, "artefacts", len(m.Artefacts),
		"signatures", len(a.sigs.Entries()), "log", sigPath, "version", m.Version,
		"source_date_epoch", m.Epoch, "toolchain", m.Toolchain)
	return nil
}

// CheckHashes builds every artefact (cached) and compares this build with
// the published manifest, printing one line per artefact. Artefacts built
// with other keys than the published ones are reported, not failed.
func (a *App) CheckHashes(ctx context.Context) (string, error) {
	pub, err := a.published()
	if err != nil {
		return "", err
	}
	if _, err := a.publishedSignatures(pub); err != nil {
		return "", err
	}
	if err := a.buildAllQuiet(ctx); err != nil {
		return "", err
	}
	ks, err := a.Keys()
	if err != nil {
		return "", err
	}
	built, err := a.collect(ctx, a.Env.BuildDir, ks, false)
	if err != nil {
		return "", err
	}
	return report(pub, built)
}

// published reads HashesFile, with a hint when it is missing.
func (a *App) published() (*manifest.Manifest, error) {
	path := filepath.Join(a.Env.Root, HashesFile)
	m, err := manifest.Read(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no published hash manifest at %s: run `go run mage.go hashes` and commit it", path)
	}
	return m, err
}

// publishedSignatures reads SignaturesFile and checks that its certificates
// are the ones pub records: the two files must come from one publishing
// build. It returns nil, nil when the file is absent (a manifest from
// before signature logs).
func (a *App) publishedSignatures(pub *manifest.Manifest) (*siglog.Log, error) {
	path := filepath.Join(a.Env.Root, SignaturesFile)
	l, err := siglog.Read(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	certs := certFingerprints(l.Certificate)
	for _, e := range pub.Artefacts {
		for _, k := range e.Keys {
			if got, ok := certs[k.Name]; !ok || got != k.SHA256 {
				return nil, fmt.Errorf("%s and %s disagree: %s records key %s %s, the signature log has %s",
					HashesFile, SignaturesFile, e.Name, k.Name, k.SHA256, got)
			}
		}
	}
	return l, nil
}

// certFingerprints names the certificates of a key hierarchy as the
// manifest does.
func certFingerprints(cert func(keys.Role) *x509.Certificate) map[string]string {
	return map[string]string{
		manifest.KeyPK:          keys.Fingerprint(cert(keys.PK)),
		manifest.KeyKEK:         keys.Fingerprint(cert(keys.KEK)),
		manifest.KeyDB:          keys.Fingerprint(cert(keys.DB)),
		manifest.KeyOSPkgRoot:   keys.Fingerprint(cert(keys.StbootRoot)),
		manifest.KeyOSPkgSigner: keys.Fingerprint(cert(keys.StbootSigner)),
	}
}

// report prints Compare's verdict and returns its summary line; the error
// counts mismatching, missing and extra artefacts.
func report(pub, built *manifest.Manifest) (string, error) {
	diffs := manifest.Compare(pub, built)
	var b strings.Builder
	if err := manifest.Format(&b, diffs); err != nil {
		return "", err
	}
	fmt.Print(b.String())
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	summary := lines[len(lines)-1]
	if n := manifest.Failed(diffs); n > 0 {
		return summary, fmt.Errorf("%d artefact(s) differ from %s (published for %s, SOURCE_DATE_EPOCH %d): %s",
			n, HashesFile, pub.Version, pub.Epoch, summary)
	}
	return summary, nil
}

// buildAllQuiet builds every artefact group without printing them.
func (a *App) buildAllQuiet(ctx context.Context) error {
	for _, g := range AllGroups {
		if _, err := a.build(ctx, g); err != nil {
			return err
		}
	}
	return nil
}

// collect hashes the artefacts under buildDir into a manifest, recording the
// certificates of ks (the key hierarchy they were built with) and this
// build's shared inputs.
//
// With partial, files that are not there are left out (Compare reports
// them MISSING) instead of failing.
func (a *App) collect(ctx context.Context, buildDir string, ks *keys.Set, partial bool) (*manifest.Manifest, error) {
	certs := certFingerprints(func(r keys.Role) *x509.Certificate { return ks.Get(r).Certificate() })
	entries, err := manifest.Collect(buildDir, manifest.X86_64(), manifest.Sources{Pins: a.Pins, Keys: certs, SkipMissing: partial})
	if err != nil {
		return nil, fmt.Errorf("hashing the artefacts in %s: %w", buildDir, err)
	}
	tc, err := a.Toolchain(ctx)
	if err != nil {
		return nil, err
	}
	goVersion, err := exec.CommandContext(ctx, "go", "env", "GOVERSION").Output()
	if err != nil {
		return nil, fmt.Errorf("go env GOVERSION: %w", err)
	}
	m := manifest.Normalize(manifest.Manifest{
		Schema: manifest.SchemaVersion, Arch: "x86_64", Epoch: a.Env.Epoch.Unix(), Version: a.Env.Version,
		Toolchain: tc.ID(), Go: strings.TrimSpace(string(goVersion)), Artefacts: entries,
	})
	return &m, nil
}
