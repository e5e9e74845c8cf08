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

// AllGroups are the artefact groups `verify` rebuilds.
var AllGroups = []string{ArtKernel, ArtInitramfs, ArtFirmware, ArtVarStore, ArtUKI, ArtStboot, ArtMeasure}

// Verify rebuilds artefact groups from a copy of the repository at another
// path, with a cold build directory, another umask, time zone and locale
// (downloads and the toolchain image stay cached; the keys are shared so
// signed artefacts compare too), and compares every file with this
// checkout's build. It prints one line per artefact.
func (a *App) Verify(ctx context.Context, groups ...string) error {
	var mine []recipe.Artefact
	for _, g := range groups {
		arts, err := a.build(ctx, g)
		if err != nil {
			return err
		}
		mine = append(mine, arts...)
	}
	tmp, err := os.MkdirTemp("", "manx-verify-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	copyRoot := filepath.Join(tmp, "elsewhere", "manx")
	if err := repro.CopyRepo(ctx, a.Env.Root, copyRoot); err != nil {
		return err
	}
	start := time.Now()
	a.Log.Info("Rebuilding from a copy of the repository", "groups", groups, "path", copyRoot)
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
		return fmt.Errorf("rebuilding %v in %s: %w", groups, copyRoot, err)
	}
	bad := 0
	for _, x := range mine {
		rel, _ := filepath.Rel(a.Env.BuildDir, x.Path)
		other, err := recipe.Describe(filepath.Join(tmp, "build", rel))
		if err != nil {
			return err
		}
		if other.SHA256 == x.SHA256 {
			fmt.Printf("match     %s  %s\n", x.SHA256, rel)
			continue
		}
		bad++
		fmt.Printf("MISMATCH  %s  %s (rebuild: %s)\n  look first: diffoscope %s %s\n", x.SHA256, rel, other.SHA256, x.Path, filepath.Join(tmp, "build", rel))
	}
	a.Log.Info("Rebuild compared", "groups", groups, "artefacts", len(mine), "mismatches", bad, "elapsed", time.Since(start).Round(time.Second))
	if bad > 0 {
		return fmt.Errorf("%d artefact(s) differ between the two builds", bad)
	}
	return nil
}
