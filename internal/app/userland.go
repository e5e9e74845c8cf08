package app

import (
	"context"
	"path/filepath"
	"time"

	"manx/internal/recipe"
	"manx/internal/stage"
	"manx/userland/initramfs"
)

// InitramfsFile is the initramfs path under build/.
const InitramfsFile = "userland/initramfs.cpio.gz"

// Initramfs builds (or finds fresh) the Go userland initramfs. Its stage key
// covers every Go source of the module, go.mod/go.sum, the Go version, the
// epoch and the version string.
func (a *App) Initramfs(ctx context.Context) (recipe.Artefact, error) {
	out := a.Env.Path(InitramfsFile)
	k, err := a.goSourcesKey(ctx, "initramfs")
	if err != nil {
		return recipe.Artefact{}, err
	}
	key := k.Sum()
	dir := filepath.Dir(out)
	if stage.Fresh(dir, key, filepath.Base(out)) {
		return recipe.Describe(out)
	}
	if err := stage.Invalidate(dir); err != nil {
		return recipe.Artefact{}, err
	}
	start := time.Now()
	a.Log.Info("Building the initramfs (u-root as a library; about a minute)")
	if err := initramfs.Build(ctx, initramfs.Options{
		Out: out, Root: a.Env.Root, Epoch: a.Env.Epoch, Version: a.Env.Version, Logger: a.Log,
		Commands: []string{"manx/userland/cmd/attest"},
	}); err != nil {
		return recipe.Artefact{}, err
	}
	if err := stage.Done(dir, key); err != nil {
		return recipe.Artefact{}, err
	}
	art, err := recipe.Describe(out)
	a.Log.Info("Built initramfs", "elapsed", time.Since(start).Round(time.Second), "sha256", art.SHA256, "size", art.Size)
	return art, err
}
