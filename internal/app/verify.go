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
)

// AllGroups are the artefact groups, in build order.
var AllGroups = []string{ArtKernel, ArtInitramfs, ArtFirmware, ArtVarStore, ArtUKI, ArtStboot, ArtMeasure}

// VerifyPublished rebuilds every artefact in an independent root (see
// rebuildElsewhere) and compares the result with the published manifest,
// one line per artefact. This checkout's own build/ is not used.
func (a *App) VerifyPublished(ctx context.Context) error {
	pub, err := a.published()
	if err != nil {
		return err
	}
	start := time.Now()
	dir, cleanup, err := a.rebuildElsewhere(ctx, AllGroups)
	if err != nil {
		return err
	}
	defer cleanup()
	built, err := a.collect(ctx, filepath.Join(dir, "build"), a.KeysDir())
	if err != nil {
		return err
	}
	summary, err := report(pub, built)
	a.Log.Info("Verified against the published manifest", "manifest", HashesFile, "summary", summary,
		"elapsed", time.Since(start).Round(time.Second))
	return err
}

// Verify rebuilds artefact groups in an independent root and compares
// every file with this checkout's build (no manifest involved: two builds
// of the same commit). It prints one line per artefact.
func (a *App) Verify(ctx context.Context, groups ...string) error {
	var mine []recipe.Artefact
	for _, g := range groups {
		arts, err := a.build(ctx, g)
		if err != nil {
			return err
		}
		mine = append(mine, arts...)
	}
	start := time.Now()
	dir, cleanup, err := a.rebuildElsewhere(ctx, groups)
	if err != nil {
		return err
	}
	defer cleanup()
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

// rebuildElsewhere builds groups from a copy of the repository at another
// path, with a cold build directory (MANX_BUILD_DIR), umask 027, another
// time zone and locale, and the same SOURCE_DATE_EPOCH, version and keys.
// Downloads and the toolchain image stay cached. It returns the temporary
// root (the build is in <root>/build) and a cleanup that removes it unless
// MANX_KEEP_REBUILD is set.
func (a *App) rebuildElsewhere(ctx context.Context, groups []string) (string, func(), error) {
	tmp, err := os.MkdirTemp("", "manx-verify-")
	if err != nil {
		return "", nil, err
	}
	cleanup := func() {
		if os.Getenv("MANX_KEEP_REBUILD") == "" {
			os.RemoveAll(tmp)
		}
	}
	copyRoot := filepath.Join(tmp, "elsewhere", "manx")
	if err := repro.CopyRepo(ctx, a.Env.Root, copyRoot); err != nil {
		cleanup()
		return "", nil, err
	}
	a.Log.Info("Rebuilding from a copy of the repository", "groups", groups, "path", copyRoot,
		"note", "umask 027, TZ=America/St_Johns, LANG=de_DE.UTF-8, cold build dir")
	args := []string{"run", "mage.go"}
	for _, g := range groups {
		if g == ArtMeasure {
			args = append(args, "measure")
			continue
		}
		args = append(args, "build:"+g)
	}
	// umask 027 for the rebuild: artefacts must not depend on it.
	cmd := exec.CommandContext(ctx, "sh", append([]string{"-c", `umask 027 && exec go "$@"`, "sh"}, args...)...)
	cmd.Dir = copyRoot
	cmd.Env = append(os.Environ(),
		"SOURCE_DATE_EPOCH="+strconv.FormatInt(a.Env.Epoch.Unix(), 10),
		"MANX_VERSION="+a.Env.Version,
		"MANX_KEYS_DIR="+a.KeysDir(),
		"MANX_BUILD_DIR="+filepath.Join(tmp, "build"),
		"TZ=America/St_Johns", "LANG=de_DE.UTF-8", "LC_ALL=")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		cleanup()
		return "", nil, fmt.Errorf("rebuilding %v in %s: %w", groups, copyRoot, err)
	}
	return tmp, cleanup, nil
}
