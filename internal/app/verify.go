package app

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"manx/internal/recipe"
	"manx/internal/repro"
	"manx/uki/keys"
)

// AllGroups are the artefact groups, in build order.
var AllGroups = []string{ArtKernel, ArtInitramfs, ArtFirmware, ArtVarStore, ArtUKI, ArtStboot, ArtMeasure}

// VerifyPublished rebuilds every artefact in an independent root (see
// rebuildElsewhere) and compares the result with the published manifest,
// one line per artefact. This checkout's own build/ and keys/ are not used:
// the rebuild signs by replaying the publisher's signature log
// (SignaturesFile), so the signed and key-bearing artefacts are compared
// too. A group whose rebuild fails leaves its artefacts MISSING; the others
// are still compared.
func (a *App) VerifyPublished(ctx context.Context) error {
	if err := a.Setup(ctx); err != nil { // a researcher's machine may have nothing yet
		return err
	}
	pub, err := a.published()
	if err != nil {
		return err
	}
	sigs, err := a.publishedSignatures(pub)
	if err != nil {
		return err
	}
	var env []string
	var ks *keys.Set
	if sigs != nil {
		env = append(env, EnvReplaySignatures+"="+filepath.Join(a.Env.Root, SignaturesFile))
		if ks, err = sigs.Replay(); err != nil {
			return err
		}
		a.Log.Info("The rebuild signs with the publisher's signatures; no private key is used", "log", SignaturesFile,
			"signatures", len(sigs.Entries()))
	} else {
		a.Log.Warn("No published signature log: the rebuild uses this machine's keys, so artefacts that embed keys cannot match",
			"missing", SignaturesFile)
		env = append(env, "MANX_KEYS_DIR="+a.KeysDir())
		if ks, err = a.Keys(); err != nil {
			return err
		}
	}
	start := time.Now()
	dir, failed, cleanup, err := a.rebuildElsewhere(ctx, AllGroups, env)
	if err != nil {
		return err
	}
	defer cleanup()
	built, err := a.collect(ctx, filepath.Join(dir, "build"), ks, true)
	if err != nil {
		return err
	}
	summary, err := report(pub, built)
	for _, f := range failed {
		fmt.Printf("rebuild of %s failed (its artefacts are MISSING): %v\n", f.group, f.err)
	}
	a.Log.Info("Verified against the published manifest", "manifest", HashesFile, "summary", summary,
		"elapsed", time.Since(start).Round(time.Second))
	if err == nil && len(failed) > 0 {
		err = fmt.Errorf("%d artefact group(s) failed to rebuild", len(failed))
	}
	return err
}

// Verify rebuilds artefact groups in an independent root and compares
// every file with this checkout's build (no manifest involved: two builds
// of the same commit). It prints one line per artefact.
func (a *App) Verify(ctx context.Context, groups ...string) error {
	if err := a.Setup(ctx); err != nil {
		return err
	}
	var mine []recipe.Artefact
	for _, g := range groups {
		arts, err := a.build(ctx, g)
		if err != nil {
			return err
		}
		mine = append(mine, arts...)
	}
	start := time.Now()
	dir, failed, cleanup, err := a.rebuildElsewhere(ctx, groups, []string{"MANX_KEYS_DIR=" + a.KeysDir()})
	if err != nil {
		return err
	}
	defer cleanup()
	if len(failed) > 0 {
		return fmt.Errorf("rebuilding %s: %w", failed[0].group, failed[0].err)
	}
	bad := 0
	for _, x := range mine {
		rel, _ := filepath.Rel(a.Env.BuildDir, x.Path)
		theirs := filepath.Join(dir, "build", rel)
		other, err := recipe.Describe(theirs)
		if err != nil {
			return err
		}
		if other.SHA256 == x.SHA256 {
			fmt.Printf("match     %s  %s\n", x.SHA256, rel)
			continue
		}
		bad++
		fmt.Printf("MISMATCH  %s  %s (rebuild: %s)\n  look first: diffoscope %s %s\n", x.SHA256, rel, other.SHA256, x.Path, theirs)
	}
	a.Log.Info("Rebuild compared", "groups", groups, "artefacts", len(mine), "mismatches", bad, "elapsed", time.Since(start).Round(time.Second))
	if bad > 0 {
		return fmt.Errorf("%d artefact(s) differ between the two builds (MANX_KEEP_REBUILD=1 keeps the rebuild for diffoscope)", bad)
	}
	return nil
}

// groupFailure is one artefact group the rebuild could not build.
type groupFailure struct {
	group string
	err   error
}

// rebuildElsewhere builds groups from a copy of the repository at another
// path, with a cold build directory (MANX_BUILD_DIR), umask 027, another
// time zone and locale, the same SOURCE_DATE_EPOCH and version, and env
// (which keys to sign with). Downloads and the toolchain image stay cached.
// Each group is its own mage run, so one that fails (reported in failed)
// does not stop the others. It returns the temporary root (the build is in
// <root>/build) and a cleanup that removes it unless MANX_KEEP_REBUILD is
// set.
func (a *App) rebuildElsewhere(ctx context.Context, groups, env []string) (string, []groupFailure, func(), error) {
	tmp, err := os.MkdirTemp("", "manx-verify-")
	if err != nil {
		return "", nil, nil, err
	}
	cleanup := func() {
		if os.Getenv("MANX_KEEP_REBUILD") == "" {
			os.RemoveAll(tmp)
		}
	}
	copyRoot := filepath.Join(tmp, "elsewhere", "manx")
	if err := repro.CopyRepo(ctx, a.Env.Root, copyRoot); err != nil {
		cleanup()
		return "", nil, nil, err
	}
	a.Log.Info("Rebuilding from a copy of the repository", "groups", groups, "path", copyRoot,
		"note", "umask 027, TZ=America/St_Johns, LANG=de_DE.UTF-8, cold build dir")
	var failed []groupFailure
	for _, g := range groups {
		target := "build:" + g
		if g == ArtMeasure {
			target = "measure"
		}
		// umask 027 for the rebuild: artefacts must not depend on it.
		cmd := exec.CommandContext(ctx, "sh", "-c", `umask 027 && exec go run mage.go "$1"`, "sh", target)
		cmd.Dir = copyRoot
		cmd.Env = append(append(os.Environ(),
			"SOURCE_DATE_EPOCH="+strconv.FormatInt(a.Env.Epoch.Unix(), 10),
			"MANX_VERSION="+a.Env.Version,
			"MANX_BUILD_DIR="+filepath.Join(tmp, "build"),
			"TZ=America/St_Johns", "LANG=de_DE.UTF-8", "LC_ALL="), env...)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			if ctx.Err() != nil {
				cleanup()
				return "", nil, nil, ctx.Err()
			}
			a.Log.Error("Rebuild of an artefact group failed; going on with the others", "target", target, "err", err)
			failed = append(failed, groupFailure{group: target, err: err})
		}
	}
	return tmp, failed, cleanup, nil
}
