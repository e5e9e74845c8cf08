package pipeline

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"manx/catalog"
	"manx/internal/stage"
	"manx/userland/initramfs"
)

// attestCommand is the guest's attestation client, added to the u-root
// core commands in the main initramfs.
const attestCommand = "manx/userland/cmd/attest"

// initramfs builds catalog.Initramfs, the Go userland (u-root as a
// library). Its stage key covers every Go source of the module,
// go.mod/go.sum, the Go version, the epoch and the version string.
func (p *Pipeline) initramfs(ctx context.Context) error {
	out := catalog.Initramfs.In(p.Env.BuildDir)
	k, err := p.goSourcesKey(ctx, "initramfs")
	if err != nil {
		return err
	}
	key := k.Sum()
	dir := filepath.Dir(out)
	if stage.Fresh(dir, key, filepath.Base(out)) {
		return nil
	}
	if err := stage.Invalidate(dir); err != nil {
		return err
	}
	start := time.Now()
	p.Log.Info("Building the initramfs (u-root as a library; about a minute)")
	if err := initramfs.Build(ctx, initramfs.Options{
		Out: out, Root: p.Env.Root, Epoch: p.Env.Epoch, Version: p.Env.Version, Logger: p.Log,
		Commands: []string{attestCommand},
	}); err != nil {
		return err
	}
	if err := stage.Done(dir, key); err != nil {
		return err
	}
	p.Log.Info("Built initramfs", "elapsed", time.Since(start).Round(time.Second))
	return nil
}

// goSourcesKey starts a stage key over every Go source of the module,
// go.mod/go.sum, the Go version, the epoch and the version string: the
// inputs of anything built with u-root from this module.
func (p *Pipeline) goSourcesKey(ctx context.Context, name string) (*stage.Key, error) {
	goVersion, err := GoVersion(ctx)
	if err != nil {
		return nil, err
	}
	k := stage.NewKey(name).String("go", goVersion).
		String("epoch", fmt.Sprint(p.Env.Epoch.Unix())).String("version", p.Env.Version)
	if err := k.Tree(p.Env.Root, ".go", "go.mod", "go.sum"); err != nil {
		return nil, err
	}
	return k, nil
}

// GoVersion is `go env GOVERSION`: the Go that compiles the guest programs.
func GoVersion(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOVERSION").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOVERSION: %w", err)
	}
	return strings.TrimSpace(string(out)), nil
}
