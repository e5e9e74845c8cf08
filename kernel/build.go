package kernel

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"time"

	"manx/internal/logx"
	"manx/internal/pins"
	"manx/internal/stage"
	"manx/internal/toolchain"
)

//go:embed config/*.fragment
var fragmentFS embed.FS

//go:embed configure.sh
var configureScript string

//go:embed build.sh
var buildScript string

// PinName is the kernel source pin in pins.json.
const PinName = "linux"

// Fetcher provides verified pinned files.
type Fetcher interface {
	Get(ctx context.Context, p pins.Pin) (string, error)
}

// Deps are what a kernel build needs.
type Deps struct {
	Pins      *pins.List
	Fetch     Fetcher
	Toolchain toolchain.Backend
	BuildDir  string // outputs go to BuildDir/kernel, the tree to BuildDir/work/kernel
	LogDir    string
	Epoch     time.Time
	Log       *slog.Logger
}

// Artefact is a built file.
type Artefact struct {
	Name   string
	Path   string
	SHA256 string
	Size   int64
}

// Fragments returns the checked-in fragments, in merge order.
func Fragments() (names []string, frags []Config, err error) {
	ents, err := fs.Glob(fragmentFS, "config/*.fragment")
	if err != nil {
		return nil, nil, err
	}
	sort.Strings(ents)
	for _, e := range ents {
		b, err := fragmentFS.ReadFile(e)
		if err != nil {
			return nil, nil, err
		}
		c, err := ParseConfig(bytes.NewReader(b), "kernel/"+e)
		if err != nil {
			return nil, nil, err
		}
		names = append(names, e)
		frags = append(frags, c)
	}
	return names, frags, nil
}

// Key is the stage cache key of the kernel for these inputs.
func Key(d Deps) (string, error) {
	p, err := d.Pins.Get(PinName)
	if err != nil {
		return "", err
	}
	k := stage.NewKey("kernel").String("pin", p.SHA256).String("toolchain", d.Toolchain.ID()).
		String("epoch", fmt.Sprint(d.Epoch.Unix())).String("configure", configureScript).String("build", buildScript)
	names, _, err := Fragments()
	if err != nil {
		return "", err
	}
	for _, n := range names {
		b, _ := fragmentFS.ReadFile(n)
		k.Bytes(n, b)
	}
	return k.Sum(), nil
}

// Build produces BuildDir/kernel/bzImage and BuildDir/kernel/config, or
// returns at once when they are fresh.
func Build(ctx context.Context, d Deps) (Artefact, error) {
	out := filepath.Join(d.BuildDir, "kernel")
	key, err := Key(d)
	if err != nil {
		return Artefact{}, err
	}
	if stage.Fresh(out, key, "bzImage", "config") {
		return describe(filepath.Join(out, "bzImage"))
	}
	if err := stage.Invalidate(out); err != nil {
		return Artefact{}, err
	}
	p, _ := d.Pins.Get(PinName)
	tarball, err := d.Fetch.Get(ctx, p)
	if err != nil {
		return Artefact{}, err
	}
	work := filepath.Join(d.BuildDir, "work", "kernel")
	names, frags, err := Fragments()
	if err != nil {
		return Artefact{}, err
	}
	fragDir := filepath.Join(work, "fragments")
	os.RemoveAll(fragDir)
	os.RemoveAll(filepath.Join(work, "out"))
	for _, n := range names {
		b, _ := fragmentFS.ReadFile(n)
		if err := stage.WriteFileAtomic(filepath.Join(fragDir, filepath.Base(n)), b, 0o644); err != nil {
			return Artefact{}, err
		}
	}
	log, err := logx.OpenStage(d.Log, d.LogDir, "kernel", 20*time.Second)
	if err != nil {
		return Artefact{}, err
	}
	defer log.Close()
	mounts := []toolchain.Mount{
		{Var: "MANX_WORK", Host: work, Guest: "/manx/work"},
		{Var: "MANX_DL", Host: filepath.Dir(tarball), Guest: "/manx/dl", ReadOnly: true},
	}
	env := map[string]string{"MANX_TARBALL": filepath.Base(tarball)}
	start := time.Now()
	d.Log.Info("Configuring the kernel", "version", p.Version, "toolchain", d.Toolchain.Name(), "log", log.Path)
	if err := d.Toolchain.Run(ctx, toolchain.Step{Name: "kernel-configure", Script: configureScript, Mounts: mounts, Env: env, Out: log}); err != nil {
		return Artefact{}, fmt.Errorf("%w\n%s", err, log.Tail(20))
	}
	final, err := os.ReadFile(filepath.Join(work, "out", "config"))
	if err != nil {
		return Artefact{}, err
	}
	fc, err := ParseConfig(bytes.NewReader(final), "kernel .config")
	if err != nil {
		return Artefact{}, err
	}
	if err := Check(Merge(frags...), fc); err != nil {
		return Artefact{}, err
	}
	d.Log.Info("Building the kernel (about 10 minutes on 2 cores)", "log", log.Path)
	if err := d.Toolchain.Run(ctx, toolchain.Step{Name: "kernel-build", Script: buildScript, Mounts: mounts, Env: env, Out: log}); err != nil {
		return Artefact{}, fmt.Errorf("%w\n%s", err, log.Tail(30))
	}
	for _, f := range []string{"bzImage", "config"} {
		if err := stage.CopyFileAtomic(filepath.Join(work, "out", f), filepath.Join(out, f), 0o644); err != nil {
			return Artefact{}, err
		}
	}
	if err := stage.Done(out, key); err != nil {
		return Artefact{}, err
	}
	a, err := describe(filepath.Join(out, "bzImage"))
	d.Log.Info("Kernel built", "elapsed", time.Since(start).Round(time.Second), "sha256", a.SHA256, "size", a.Size)
	return a, err
}

func describe(path string) (Artefact, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Artefact{}, err
	}
	s := sha256.Sum256(b)
	return Artefact{Name: filepath.Base(path), Path: path, SHA256: hex.EncodeToString(s[:]), Size: int64(len(b))}, nil
}
