package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"manx/internal/manifest"
	"manx/uki/keys"
)

// HashesFile is the published hash manifest of this architecture, relative
// to the repository root.
const HashesFile = "hashes/x86_64.json"

// Hashes builds every artefact (cached) and writes HashesFile from them.
func (a *App) Hashes(ctx context.Context) error {
	if err := a.buildAllQuiet(ctx); err != nil {
		return err
	}
	m, err := a.collect(ctx, a.Env.BuildDir, a.KeysDir())
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
	a.Log.Info("Wrote the hash manifest", "path", path, "artefacts", len(m.Artefacts), "version", m.Version,
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
	if err := a.buildAllQuiet(ctx); err != nil {
		return "", err
	}
	built, err := a.collect(ctx, a.Env.BuildDir, a.KeysDir())
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
// certificates of the key hierarchy in keysDir and this build's shared
// inputs.
func (a *App) collect(ctx context.Context, buildDir, keysDir string) (*manifest.Manifest, error) {
	ks, err := keys.Load(keysDir)
	if err != nil {
		return nil, fmt.Errorf("reading the keys the artefacts were built with: %w", err)
	}
	certs := map[string]string{
		manifest.KeyPK:        keys.Fingerprint(ks.PK.Certificate()),
		manifest.KeyKEK:       keys.Fingerprint(ks.KEK.Certificate()),
		manifest.KeyDB:        keys.Fingerprint(ks.DB.Certificate()),
		manifest.KeyOSPkgRoot: keys.Fingerprint(ks.StbootRoot.Certificate()),
	}
	entries, err := manifest.Collect(buildDir, manifest.X86_64(), manifest.Sources{Pins: a.Pins, Keys: certs})
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
