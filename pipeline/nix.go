package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"manx/catalog"
	"manx/internal/toolchain"
)

// nixBuild builds a flake output with MANX_TOOLCHAIN=nix and copies its
// files into the directory of arts (all in one directory). Nix caches by
// its own derivation hashes, so this always asks Nix (a no-op when the
// store has the output).
func (p *Pipeline) nixBuild(ctx context.Context, nix *toolchain.Nix, attr string, arts []catalog.Artefact) error {
	out := filepath.Join(p.Env.BuildDir, arts[0].Dir())
	var files []string
	for _, a := range arts {
		files = append(files, a.Base())
	}
	if err := os.MkdirAll(p.Env.LogDir, 0o755); err != nil {
		return err
	}
	logFile := filepath.Join(p.Env.LogDir, "nix-"+attr+".log")
	f, err := os.Create(logFile)
	if err != nil {
		return err
	}
	defer f.Close()
	p.Log.Info("Building with Nix in Podman", "output", ".#"+attr, "log", logFile)
	if err := nix.BuildOutput(ctx, p.Env.Root, attr, out, files, f); err != nil {
		return fmt.Errorf("%w (log: %s)", err, logFile)
	}
	return nil
}
