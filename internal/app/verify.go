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

// VerifyGroup rebuilds an artefact group from a copy of the repository at
// another path with a cold build directory (downloads stay cached) and
// compares every file with this checkout's build.
func (a *App) VerifyGroup(ctx context.Context, group string) error {
	mine, err := a.build(ctx, group)
	if err != nil {
		return err
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
	a.Log.Info("Rebuilding from a copy of the repository", "group", group, "path", copyRoot)
	cmd := exec.CommandContext(ctx, "go", "run", "mage.go", "build:"+group)
	cmd.Dir = copyRoot
	cmd.Env = append(os.Environ(),
		"SOURCE_DATE_EPOCH="+strconv.FormatInt(a.Env.Epoch.Unix(), 10),
		"MANX_VERSION="+a.Env.Version,
		"MANX_BUILD_DIR="+filepath.Join(tmp, "build"))
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("rebuilding %s in %s: %w", group, copyRoot, err)
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
	a.Log.Info("Rebuild compared", "group", group, "elapsed", time.Since(start).Round(time.Second))
	if bad > 0 {
		return fmt.Errorf("%d artefact(s) of %s differ between the two builds", bad, group)
	}
	return nil
}
