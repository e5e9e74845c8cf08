package initramfs

import (
	"context"
	"fmt"
	"log/slog"
	"path"
	"path/filepath"

	"github.com/u-root/mkuimage/uimage/builder"
	"github.com/u-root/mkuimage/uimage/initramfs"
	"github.com/u-root/uio/llog"

	"manx/internal/gobuild"
)

// binaryBuilder is a mkuimage builder for binary mode that builds each
// package with gobuild (Manx's flags, environment and version stamp)
// instead of u-root's flags, and adds it as bin/<name>.
type binaryBuilder struct {
	ctx     context.Context
	root    string // module root
	goarch  string
	goBin   string
	version string
	log     *slog.Logger
}

var _ builder.Builder = (*binaryBuilder)(nil)

func (b *binaryBuilder) DefaultBinaryDir() string { return "bin" }

// Build builds opts.Packages (absolute directories, as mkuimage resolves
// them) one after the other: two cores are shared with other builds.
func (b *binaryBuilder) Build(_ *llog.Logger, af *initramfs.Files, opts builder.Opts) error {
	dir := opts.BinaryDir
	if dir == "" {
		dir = b.DefaultBinaryDir()
	}
	for _, pkg := range opts.Packages {
		name := path.Base(filepath.ToSlash(pkg))
		out := filepath.Join(opts.TempDir, name)
		err := gobuild.Build(b.ctx, gobuild.Options{
			Package: pkg, Out: out, Dir: b.root, GOARCH: b.goarch, Go: b.goBin,
			VersionVar: VersionVar, Version: b.version, Logger: b.log,
		})
		if err != nil {
			return fmt.Errorf("binary mode: %w", err)
		}
		if err := af.AddFile(out, path.Join(dir, name)); err != nil {
			return fmt.Errorf("binary mode: adding %s: %w", name, err)
		}
	}
	return nil
}
