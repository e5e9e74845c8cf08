package publish

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"manx/catalog"
	"manx/internal/atomicfile"
	"manx/internal/buildenv"
	"manx/internal/gobuild"
	"manx/internal/manifest"
	"manx/sign/keys"
	"manx/sign/siglog"
)

// Hashes builds every artefact (cached) and writes HashesFile from them,
// and SignaturesFile from the signatures this build made.
func (pb Publisher) Hashes(ctx context.Context) error {
	p := pb.P
	if p.Env.ReplaySignatures != "" {
		return errors.New("hashes publishes this build's own keys and signatures: unset MANX_REPLAY_SIGNATURES")
	}
	if err := p.All(ctx); err != nil {
		return err
	}
	ks, err := p.Keys()
	if err != nil {
		return err
	}
	m, err := pb.collect(ctx, p.Env.BuildDir, ks, false)
	if err != nil {
		return err
	}
	path := filepath.Join(p.Env.Root, HashesFile)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := manifest.Write(path, *m); err != nil {
		return err
	}
	sigPath := filepath.Join(p.Env.Root, SignaturesFile)
	if err := siglog.Write(sigPath, p.Signatures()); err != nil {
		return err
	}
	kexec := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ks.Kexec.Certificate().Raw})
	if err := atomicfile.Write(filepath.Join(p.Env.Root, KexecCertFile), kexec, 0o644); err != nil {
		return err
	}
	p.Log.Info("Wrote the hash manifest and the signature log", "path", path, "artefacts", len(m.Artefacts),
		"signatures", len(p.Signatures().Entries()), "log", sigPath, "version", m.Version,
		"source_date_epoch", m.Epoch, "toolchain", m.Toolchain)
	return nil
}

// Check builds every artefact (cached) and compares this build with the
// published manifest, printing one line per artefact. Artefacts built with
// other keys than the published ones are reported, not failed. It returns
// the summary line.
func (pb Publisher) Check(ctx context.Context) (string, error) {
	p := pb.P
	pub, err := pb.published()
	if err != nil {
		return "", err
	}
	if _, err := pb.publishedSignatures(pub); err != nil {
		return "", err
	}
	if err := p.All(ctx); err != nil {
		return "", err
	}
	ks, err := p.Keys()
	if err != nil {
		return "", err
	}
	built, err := pb.collect(ctx, p.Env.BuildDir, ks, false)
	if err != nil {
		return "", err
	}
	return report(pub, built)
}

// published reads HashesFile, with a hint when it is missing.
func (pb Publisher) published() (*manifest.Manifest, error) {
	path := filepath.Join(pb.P.Env.Root, HashesFile)
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
func (pb Publisher) publishedSignatures(pub *manifest.Manifest) (*siglog.Log, error) {
	path := filepath.Join(pb.P.Env.Root, SignaturesFile)
	l, err := siglog.Read(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if err := agree(pub, certFingerprints(l.Certificate)); err != nil {
		return nil, err
	}
	return l, nil
}

// agree checks that every key the manifest records has the fingerprint
// certs gives it.
func agree(pub *manifest.Manifest, certs map[string]string) error {
	for _, e := range pub.Artefacts {
		for _, k := range e.Keys {
			if got, ok := certs[k.Name]; !ok || got != k.SHA256 {
				return fmt.Errorf("%s and %s disagree: %s records key %s %s, the signature log has %s",
					HashesFile, SignaturesFile, e.Name, k.Name, k.SHA256, got)
			}
		}
	}
	return nil
}

// certFingerprints names the certificates of a key hierarchy as the
// catalogue does.
func certFingerprints(cert func(keys.Role) *x509.Certificate) map[string]string {
	return map[string]string{
		string(catalog.KeyPK):          keys.Fingerprint(cert(keys.PK)),
		string(catalog.KeyKEK):         keys.Fingerprint(cert(keys.KEK)),
		string(catalog.KeyDB):          keys.Fingerprint(cert(keys.DB)),
		string(catalog.KeyKexec):       keys.Fingerprint(cert(keys.Kexec)),
		string(catalog.KeyOSPkgRoot):   keys.Fingerprint(cert(keys.StbootRoot)),
		string(catalog.KeyOSPkgSigner): keys.Fingerprint(cert(keys.StbootSigner)),
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

// Specs are the catalogue's published artefacts as manifest specs.
func Specs() []manifest.Spec {
	var out []manifest.Spec
	for _, a := range catalog.Published() {
		s := manifest.Spec{Name: a.Name, Path: a.Path, Pins: a.Pins}
		for _, k := range a.Keys {
			s.Keys = append(s.Keys, string(k))
		}
		out = append(out, s)
	}
	return out
}

// collect hashes the published artefacts under buildDir into a manifest,
// recording the certificates of ks (the key hierarchy they were built
// with) and this build's shared inputs.
//
// With partial, files that are not there are left out (Compare reports
// them MISSING) instead of failing.
func (pb Publisher) collect(ctx context.Context, buildDir string, ks *keys.Set, partial bool) (*manifest.Manifest, error) {
	p := pb.P
	certs := certFingerprints(func(r keys.Role) *x509.Certificate { return ks.Get(r).Certificate() })
	entries, err := manifest.Collect(buildDir, Specs(), manifest.Sources{Pins: p.Pins, Keys: certs, SkipMissing: partial})
	if err != nil {
		return nil, fmt.Errorf("hashing the artefacts in %s: %w", buildDir, err)
	}
	for i := range entries {
		a, err := catalog.Find(entries[i].Name)
		if err != nil {
			return nil, err
		}
		st, err := p.Stamp(ctx, a.Group)
		if err != nil {
			return nil, err
		}
		entries[i].Epoch, entries[i].Version = st.Epoch.Unix(), st.Version
	}
	tc, err := p.Toolchain()
	if err != nil {
		return nil, err
	}
	// The manifest is for the newest commit that touched any artefact's
	// inputs (the snp table's group contains every other but the stores):
	// a commit that touches nothing an artefact is made from leaves the
	// manifest byte-identical.
	top := buildenv.Stamp{}
	for _, g := range catalog.Groups {
		st, err := p.Stamp(ctx, g)
		if err != nil {
			return nil, err
		}
		if g != catalog.GroupFirmware && st.Epoch.After(top.Epoch) {
			top = st
		}
	}
	m := manifest.Normalize(manifest.Manifest{
		Schema: manifest.SchemaVersion, Arch: "x86_64", Epoch: top.Epoch.Unix(), Version: top.Version,
		Toolchain: tc.ID(), Go: gobuild.GoVersion, Artefacts: entries,
	})
	return &m, nil
}
