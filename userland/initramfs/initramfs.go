// Package initramfs builds Manx's initramfs with u-root and mkuimage used
// as libraries: Manx's init as /init, a small set of u-root core commands
// in one busybox binary, init and programs that parse untrusted input in
// binary mode, extra command packages and files from the caller, and
// /dev/console. The archive is normalised (sorted, uid/gid 0, one mtime,
// explicit modes, inode numbers in archive order) and gzip-compressed with
// fixed settings, so the same sources give the same bytes on any machine
// and from any checkout path.
package initramfs

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"time"

	"github.com/u-root/gobusybox/src/pkg/golang"
	"github.com/u-root/mkuimage/cpio"
	"github.com/u-root/mkuimage/uimage"

	"manx/internal/atomicfile"
	"manx/internal/gobuild"
)

// File is an extra file for the archive.
type File struct {
	Data []byte
	Mode fs.FileMode // permission bits (setuid/setgid/sticky included); 0 means 0644
}

// Options configure Build.
type Options struct {
	Out      string          // output: gzip-compressed newc cpio archive, written via a temp file and a rename
	Root     string          // module root (the directory holding go.mod); "" means the current directory
	Commands []string        // extra command packages built in binary mode as /bin/<name>, e.g. "manx/userland/cmd/attest"
	Files    map[string]File // extra files by archive path, e.g. "etc/manx/policy.json"; parents are created 0755
	// Minimal leaves out every u-root tool (BusyboxCommands, the shell and
	// the kexec tool): the archive holds init and Commands only. The stboot
	// initramfs is minimal, so a failed boot leaves nothing to boot by hand.
	Minimal bool
	Epoch   time.Time    // mtime of every entry (SOURCE_DATE_EPOCH); zero means 1970-01-01
	Version string       // Manx version from git, stamped into binary-mode commands (main.version) and etc/os-release
	GOARCH  string       // target architecture; "" means amd64
	Go      string       // go command; "" means "go" on PATH
	Logger  *slog.Logger // nil: discard
	WorkDir string       // scratch directory, must exist; "" means a new directory under os.TempDir, removed afterwards
}

// Build builds the initramfs described by o into o.Out.
func Build(ctx context.Context, o Options) error {
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if o.Out == "" {
		return errors.New("initramfs: no output path")
	}
	if o.Version == "" {
		return errors.New("initramfs: no version")
	}
	root, err := filepath.Abs(cmp.Or(o.Root, "."))
	if err != nil {
		return fmt.Errorf("initramfs: %w", err)
	}
	work := o.WorkDir
	if work == "" {
		work, err = os.MkdirTemp("", "manx-initramfs-")
		if err != nil {
			return fmt.Errorf("initramfs: %w", err)
		}
		defer os.RemoveAll(work)
	}
	// Builders get a fresh directory each, so repeated builds in one
	// WorkDir cannot see each other's files.
	work, err = os.MkdirTemp(work, "build-")
	if err != nil {
		return fmt.Errorf("initramfs: %w", err)
	}
	defer os.RemoveAll(work)

	entries, keep, err := buildEntries(ctx, log, o, root, work)
	if err != nil {
		return err
	}
	entries, err = normalize(entries, keep, o.Epoch)
	if err != nil {
		return fmt.Errorf("initramfs: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(o.Out), 0o755); err != nil {
		return fmt.Errorf("initramfs: %w", err)
	}
	if err := atomicfile.WriteFunc(o.Out, 0o644, func(w io.Writer) error { return writeGzip(w, entries) }); err != nil {
		return fmt.Errorf("initramfs: %w", err)
	}
	log.Info("Built initramfs", "out", o.Out, "entries", len(entries))
	return nil
}

// buildEntries runs mkuimage and adds the base records and o.Files. It
// returns the entries and the names whose modes are explicit.
func buildEntries(ctx context.Context, log *slog.Logger, o Options, root, work string) ([]entry, explicit, error) {
	goWrapper, err := gobuild.WriteWrapper(work, o.Go)
	if err != nil {
		return nil, nil, fmt.Errorf("initramfs: %w", err)
	}
	goroot, err := gobuild.GOROOT(ctx, o.Go)
	if err != nil {
		return nil, nil, fmt.Errorf("initramfs: %w", err)
	}
	env := golang.Default(
		golang.DisableCGO(),
		golang.WithGOOS(gobuild.DefaultGOOS),
		golang.WithGOARCH(cmp.Or(o.GOARCH, gobuild.DefaultGOARCH)),
		golang.WithWorkingDir(root),
		golang.WithGO111MODULE(""),
		golang.WithCompiler(goWrapper),
		// GOROOT is the toolchain's that compiles: otherwise u-root takes
		// this process's (the Go that built the orchestrator), and a
		// pinned toolchain of another release refuses its tools.
		golang.WithGOROOT(goroot),
		golang.WithBuildTag(busyboxTags...),
	)
	bbFlags, err := gobuild.Flags("", "")
	if err != nil {
		return nil, nil, err
	}
	bin := &binaryBuilder{ctx: ctx, root: root, goarch: o.GOARCH, goBin: o.Go, version: o.Version, log: log}
	out := &collector{}
	uimageTmp := filepath.Join(work, "uimage")
	if err := os.Mkdir(uimageTmp, 0o755); err != nil {
		return nil, nil, fmt.Errorf("initramfs: %w", err)
	}
	busybox, binary := BusyboxCommands, BinaryCommands
	if o.Minimal {
		busybox, binary = nil, []string{InitPackage}
	}
	log.Info("Building initramfs commands", "busybox", len(busybox), "binary", len(binary)+len(o.Commands), "minimal", o.Minimal)
	opts := []uimage.Modifier{
		uimage.WithReplaceEnv(env),
		uimage.WithTempDir(uimageTmp),
		uimage.WithSkipLDD(),
	}
	if len(busybox) > 0 {
		opts = append(opts,
			// Keep u-root's own flags (-a -gcflags=all=-l -trimpath -ldflags
			// "-s -w -buildid=") and add Manx's, which repeat and extend them.
			uimage.WithBusyboxBuildOpts(&golang.BuildOpts{ExtraArgs: bbFlags}),
			uimage.WithBusyboxCommands(busybox...),
		)
	}
	opts = append(opts,
		uimage.WithCommands(nil, bin, append(slices.Clone(binary), o.Commands...)...),
		uimage.WithInit("init"),
	)
	if len(busybox) > 0 {
		opts = append(opts, uimage.WithShell(Shell))
	}
	opts = append(opts, uimage.WithOutput(out))
	err = uimage.Create(ulog(log), opts...)
	if err != nil {
		return nil, nil, fmt.Errorf("initramfs: building commands: %w", err)
	}

	keep := explicit{}
	var extra []entry
	for _, r := range baseRecords(o.Version) {
		e, err := readRecord(r)
		if err != nil {
			return nil, nil, err
		}
		extra = append(extra, e)
		keep[r.Name] = true
	}
	files, err := fileEntries(o.Files)
	if err != nil {
		return nil, nil, fmt.Errorf("initramfs: %w", err)
	}
	for _, e := range files {
		extra = append(extra, e)
		keep[e.info.Name] = true
	}
	// Explicit entries first: for a directory both sides have, the explicit
	// one wins in normalize.
	return append(extra, out.entries...), keep, nil
}

// fileEntries turns Options.Files into entries, sorted by name.
func fileEntries(files map[string]File) ([]entry, error) {
	var out []entry
	for name, f := range files {
		n, err := cleanName(name)
		if err != nil {
			return nil, err
		}
		if f.Mode&^(fs.ModePerm|fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky) != 0 {
			return nil, fmt.Errorf("file %s: mode %v is not a regular file's", n, f.Mode)
		}
		perm := uint64(f.Mode.Perm())
		if perm == 0 {
			perm = 0o644
		}
		if f.Mode&fs.ModeSetuid != 0 {
			perm |= cpio.S_ISUID
		}
		if f.Mode&fs.ModeSetgid != 0 {
			perm |= cpio.S_ISGID
		}
		if f.Mode&fs.ModeSticky != 0 {
			perm |= cpio.S_ISVTX
		}
		e, err := readRecord(cpio.StaticRecord(f.Data, cpio.Info{Name: path.Clean(n), Mode: cpio.S_IFREG | perm}))
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].info.Name < out[j].info.Name })
	return out, nil
}
