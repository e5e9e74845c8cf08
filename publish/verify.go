package publish

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"manx/catalog"
	"manx/internal/buildenv"
	"manx/internal/recipe"
	"manx/sign/keys"
)

// VerifyPublished rebuilds every artefact in an independent root (see
// rebuildElsewhere) and compares the result with the published manifest,
// one line per artefact. This checkout's own build/ and keys/ are not used:
// the rebuild signs by replaying the publisher's signature log
// (SignaturesFile), so the signed and key-bearing artefacts are compared
// too. A group whose rebuild fails leaves its artefacts MISSING; the others
// are still compared.
func (pb Publisher) VerifyPublished(ctx context.Context) error {
	p := pb.P
	pub, err := pb.published()
	if err != nil {
		return err
	}
	sigs, err := pb.publishedSignatures(pub)
	if err != nil {
		return err
	}
	var env []string
	var ks *keys.Set
	if sigs != nil {
		env = append(env, buildenv.EnvReplaySignatures+"="+filepath.Join(p.Env.Root, SignaturesFile))
		if ks, err = sigs.Replay(); err != nil {
			return err
		}
		p.Log.Info("The rebuild signs with the publisher's signatures; no private key is used", "log", SignaturesFile,
			"signatures", len(sigs.Entries()))
	} else {
		p.Log.Warn("No published signature log: the rebuild uses this machine's keys, so artefacts that embed keys cannot match",
			"missing", SignaturesFile)
		env = append(env, buildenv.EnvKeysDir+"="+p.Env.KeysDir)
		if ks, err = p.Keys(); err != nil {
			return err
		}
	}
	start := time.Now()
	rb, err := pb.rebuildElsewhere(ctx, catalog.Groups, env)
	if err != nil {
		return err
	}
	defer rb.cleanup()
	built, err := pb.collect(ctx, rb.buildDir, ks, true)
	if err != nil {
		return err
	}
	summary, err := report(pub, built)
	for _, f := range rb.failed {
		fmt.Printf("rebuild of %s failed (its artefacts are MISSING): %v\n", f.group, f.err)
	}
	p.Log.Info("Verified against the published manifest", "manifest", HashesFile, "summary", summary,
		"elapsed", time.Since(start).Round(time.Second))
	if err == nil && len(rb.failed) > 0 {
		err = fmt.Errorf("%d artefact group(s) failed to rebuild", len(rb.failed))
	}
	return err
}

// Repro rebuilds artefact groups in an independent root and compares every
// file with this checkout's build (no manifest involved: two builds of the
// same commit). It prints one line per artefact.
func (pb Publisher) Repro(ctx context.Context, groups ...catalog.Group) error {
	p := pb.P
	if err := p.Build(ctx, groups...); err != nil {
		return err
	}
	start := time.Now()
	rb, err := pb.rebuildElsewhere(ctx, groups, []string{buildenv.EnvKeysDir + "=" + p.Env.KeysDir})
	if err != nil {
		return err
	}
	defer rb.cleanup()
	if len(rb.failed) > 0 {
		return fmt.Errorf("rebuilding %s: %w", rb.failed[0].group, rb.failed[0].err)
	}
	bad, n := 0, 0
	for _, g := range groups {
		for _, a := range catalog.InGroup(g) {
			mine, err := recipe.Describe(a.In(p.Env.BuildDir))
			if err != nil {
				return err
			}
			theirs := a.In(rb.buildDir)
			other, err := recipe.Describe(theirs)
			if err != nil {
				return err
			}
			n++
			if other.SHA256 == mine.SHA256 {
				fmt.Printf("match     %s  %s\n", mine.SHA256, a.Path)
				continue
			}
			bad++
			fmt.Printf("MISMATCH  %s  %s (rebuild: %s)\n  look first: diffoscope %s %s\n", mine.SHA256, a.Path, other.SHA256, mine.Path, theirs)
		}
	}
	p.Log.Info("Rebuild compared", "groups", groups, "artefacts", n, "mismatches", bad, "elapsed", time.Since(start).Round(time.Second))
	if bad > 0 {
		return fmt.Errorf("%d artefact(s) differ between the two builds (MANX_KEEP_REBUILD=1 keeps the rebuild for diffoscope)", bad)
	}
	return nil
}
