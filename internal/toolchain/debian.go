package toolchain

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"manx/internal/fetch"
	"manx/internal/stage"
)

// Suite is the Debian release the build container is made from.
const Suite = "bookworm"

// Packages are installed into the build container (with their dependencies).
// Their exact versions are recorded next to the image (packages.txt).
var Packages = []string{
	"acpica-tools", "bc", "binutils", "bison", "build-essential", "cpio", "dosfstools", "flex",
	"gawk", "libelf-dev", "libssl-dev", "mtools", "nasm", "openssl", "python3", "sbsigntool",
	"uuid-dev", "xz-utils", "zstd",
}

// imageRecipeVersion changes when the way the image is made changes.
const imageRecipeVersion = "1"

type debian struct {
	opts Options
	id   string

	once    sync.Once
	podman  []string // podman argv prefix (with --runtime when needed)
	env     []string // extra environment for podman
	prepErr error
}

func newDebian(o Options) *debian {
	h := sha256.New()
	fmt.Fprintf(h, "recipe=%s\nsuite=%s\npackages=%s\n", imageRecipeVersion, Suite, strings.Join(Packages, ","))
	return &debian{opts: o, id: hex.EncodeToString(h.Sum(nil))[:16]}
}

func (d *debian) Name() string { return "debian" }
func (d *debian) ID() string   { return "debian-" + Suite + "-" + d.id }

// Image is the podman tag of the toolchain image.
func (d *debian) Image() string { return "localhost/manx-toolchain:" + d.id }

func (d *debian) dir() string { return filepath.Join(d.opts.CacheDir, "toolchain", d.id) }

// Prepare builds the image once (debootstrap + podman import) and finds a
// working way to run containers.
func (d *debian) Prepare(ctx context.Context) error {
	d.once.Do(func() { d.prepErr = d.prepare(ctx) })
	return d.prepErr
}

func (d *debian) prepare(ctx context.Context) error {
	if _, err := exec.LookPath("podman"); err != nil {
		return fmt.Errorf("the debian toolchain needs podman: run `go run mage.go setup` (or set MANX_TOOLCHAIN=host)")
	}
	d.podman = []string{"podman"}
	if err := os.MkdirAll(d.dir(), 0o755); err != nil {
		return err
	}
	unlock, err := stage.Lock(filepath.Join(d.dir(), ".lock"))
	if err != nil {
		return err
	}
	defer unlock()
	if exec.CommandContext(ctx, "podman", "image", "exists", d.Image()).Run() != nil {
		if err := d.buildImage(ctx); err != nil {
			return err
		}
	}
	return d.probeRuntime(ctx)
}

func (d *debian) buildImage(ctx context.Context) (err error) {
	log := d.opts.Log
	for _, tool := range []string{"debootstrap", "tar"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("building the toolchain image needs %s: run `go run mage.go setup`", tool)
		}
	}
	mirrors, err := fetch.Mirrors("debian", fetch.DefaultAptConfig)
	if err != nil {
		return fmt.Errorf("building the toolchain image: %w", err)
	}
	rootfs := filepath.Join(d.dir(), "rootfs")
	os.RemoveAll(rootfs)
	defer os.RemoveAll(rootfs)
	slog := d.opts.Log
	logFile, err := openStageLog(d.opts.LogDir, "toolchain")
	if err != nil {
		return err
	}
	defer logFile.Close()
	start := time.Now()
	log.Info("Building the toolchain image with debootstrap (once; about 3 minutes)", "image", d.Image(), "mirror", mirrors[0], "log", logFile.Name())
	args := []string{"--variant=minbase", "--components=main", "--include=" + strings.Join(Packages, ","), Suite, rootfs, mirrors[0]}
	cmd := exec.CommandContext(ctx, "debootstrap", args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("debootstrap %s (see %s): %w", Suite, logFile.Name(), err)
	}
	os.RemoveAll(filepath.Join(rootfs, "var/cache/apt/archives"))
	os.MkdirAll(filepath.Join(rootfs, "var/cache/apt/archives/partial"), 0o755)
	q := exec.CommandContext(ctx, "chroot", rootfs, "dpkg-query", "-W", "-f", "${Package}=${Version}\n")
	pk, err := q.Output()
	if err != nil {
		return fmt.Errorf("listing the toolchain's packages: %w", err)
	}
	slog.Info("Importing the toolchain image into podman", "elapsed", time.Since(start).Round(time.Second))
	tarCmd := exec.CommandContext(ctx, "tar", "--numeric-owner", "-C", rootfs, "-cf", "-", ".")
	imp := exec.CommandContext(ctx, "podman", "import", "-", d.Image())
	pipe, err := tarCmd.StdoutPipe()
	if err != nil {
		return err
	}
	imp.Stdin = pipe
	imp.Stdout, imp.Stderr, tarCmd.Stderr = logFile, logFile, logFile
	if err := tarCmd.Start(); err != nil {
		return err
	}
	if err := imp.Run(); err != nil {
		tarCmd.Wait()
		return fmt.Errorf("podman import (see %s): %w", logFile.Name(), err)
	}
	if err := tarCmd.Wait(); err != nil {
		return fmt.Errorf("archiving the toolchain rootfs: %w", err)
	}
	if err := os.WriteFile(filepath.Join(d.dir(), "packages.txt"), pk, 0o644); err != nil {
		return err
	}
	log.Info("Toolchain image ready", "image", d.Image(), "packages", bytes.Count(pk, []byte("\n")), "elapsed", time.Since(start).Round(time.Second),
		"record", filepath.Join(d.dir(), "packages.txt"))
	return nil
}

// probeRuntime finds a way to run the toolchain image on this host.
func (d *debian) probeRuntime(ctx context.Context) error {
	p, err := ProbePodman(ctx, d.Image(), filepath.Join(d.opts.CacheDir, "toolchain"), d.opts.Log)
	if err != nil {
		return err
	}
	d.podman, d.env = p.Argv, p.Env
	return nil
}

func (d *debian) Run(ctx context.Context, s Step) error {
	if err := d.Prepare(ctx); err != nil {
		return err
	}
	env := baseEnv(d.opts.Epoch)
	env["HOME"] = "/root"
	for k, v := range s.Env {
		env[k] = v
	}
	args := append([]string(nil), d.podman[1:]...)
	args = append(args, "run", "--rm", "--network=none", "--pids-limit=-1", "-w", "/manx")
	for _, m := range s.Mounts {
		if err := os.MkdirAll(m.Host, 0o755); err != nil {
			return err
		}
		opt := "rw"
		if m.ReadOnly {
			opt = "ro"
		}
		args = append(args, "-v", m.Host+":"+m.Guest+":"+opt)
		env[m.Var] = m.Guest
	}
	for _, k := range sortedKeys(env) {
		args = append(args, "-e", k+"="+env[k])
	}
	args = append(args, d.Image(), "bash", "-c", prologue+s.Script)
	cmd := exec.CommandContext(ctx, d.podman[0], args...)
	cmd.Env = append(os.Environ(), d.env...)
	cmd.Stdout, cmd.Stderr = s.Out, s.Out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("step %s in %s: %w", s.Name, d.Image(), err)
	}
	return nil
}

func openStageLog(dir, name string) (*os.File, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return os.Create(filepath.Join(dir, name+".log"))
}
