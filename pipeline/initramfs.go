package pipeline

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"manx/catalog"
	"manx/internal/buildenv"
	"manx/internal/gobuild"
	"manx/internal/stage"
	"manx/userland/attest"
	"manx/userland/initramfs"
)

// attestCommand is the guest's attestation client and manxCommand the
// image-based OS's system tool (manx update), added to the u-root core
// commands in the main initramfs.
const (
	attestCommand = "manx/userland/cmd/attest"
	manxCommand   = "manx/userland/cmd/manx"
)

// initramfs builds catalog.Initramfs, the Go userland (u-root as a
// library). Its stage key covers every Go source of the module,
// go.mod/go.sum, the Go version, the epoch and the version string.
func (p *Pipeline) initramfs(ctx context.Context) error {
	out := catalog.Initramfs.In(p.Env.BuildDir)
	st, err := p.Stamp(ctx, catalog.GroupInitramfs)
	if err != nil {
		return err
	}
	k, err := p.inputsKey(ctx, catalog.GroupInitramfs, "initramfs", st)
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
	goBin, err := gobuild.Toolchain(ctx)
	if err != nil {
		return err
	}
	if err := initramfs.Build(ctx, initramfs.Options{
		Out: out, Root: p.Env.Root, Epoch: st.Epoch, Version: st.Version, Logger: p.Log, Go: goBin,
		Commands: []string{attestCommand, manxCommand},
		Files:    map[string]initramfs.File{strings.TrimPrefix(attest.DefaultPolicyPath, "/"): {Data: []byte(SNPPolicy), Mode: 0o644}},
	}); err != nil {
		return err
	}
	if err := stage.Done(dir, key); err != nil {
		return err
	}
	p.Log.Info("Built initramfs", "elapsed", time.Since(start).Round(time.Second))
	return nil
}

// SNPPolicy is the relying-party policy attest applies in the guest
// (attest.DefaultPolicyPath; format: manx/userland/attest/verdict): VMPL 0,
// no debugging, no migration agent. It names no TCB minimum (that is the
// deployment's, per host generation) and no measurement (the measurement
// covers this initramfs).
const SNPPolicy = `{
  "vmpl": 0,
  "allow_debug": false,
  "allow_migration_agent": false
}
`

// inputsKey starts a stage key over group g's input files (their
// contents), the pinned Go version and g's stamp: a change anywhere else in
// the repository does not rebuild g.
func (p *Pipeline) inputsKey(ctx context.Context, g catalog.Group, name string, st buildenv.Stamp) (*stage.Key, error) {
	files, err := p.InputFiles(ctx, g)
	if err != nil {
		return nil, err
	}
	k := stage.NewKey(name).String("go", gobuild.GoVersion).
		String("epoch", fmt.Sprint(st.Epoch.Unix())).String("version", st.Version)
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(p.Env.Root, filepath.FromSlash(f)))
		if err != nil {
			return nil, fmt.Errorf("stage key of %s: %w", name, err)
		}
		k.Bytes(f, b)
	}
	return k, nil
}
