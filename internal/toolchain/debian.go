package toolchain

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"manx/internal/fetch"
	"manx/internal/stage"
)

// Suite is the Debian release the build container is made from.
const Suite = "bookworm"

// Packages are installed into the build container (with their dependencies).
// Their exact versions, and those of every other package of the container,
// are locked in LockFile (regenerate it with `go run mage.go toolchainLock`
// after changing this list).
var Packages = []string{
	"acpica-tools", "bc", "binutils", "bison", "build-essential", "cpio", "dosfstools", "erofs-utils", "flex",
	"gawk", "libelf-dev", "libssl-dev", "mtools", "nasm", "openssl", "python3", "sbsigntool",
	"uuid-dev", "xz-utils", "zstd",
}

// imageRecipeVersion changes when the way the image is made changes.
// 2: installed from exactly the lock's .debs through a local repository.
const imageRecipeVersion = "2"

type debian struct {
	opts Options
	lock *Lock
	id   string

	once    sync.Once
	podman  []string // podman argv prefix (with --runtime when needed)
	env     []string // extra environment for podman
	prepErr error
}

func newDebian(o Options) (*debian, error) {
	l, err := CommittedLock()
	if err != nil {
		return nil, err
	}
	if err := l.checkFor(Suite, Packages); err != nil {
		return nil, err
	}
	return &debian{opts: o, lock: l, id: imageID(l)}, nil
}

// imageID is the image tag: a digest of the recipe version and the lock.
func imageID(l *Lock) string {
	h := sha256.New()
	fmt.Fprintf(h, "recipe=%s\nsuite=%s\nlock=sha256:%s\n", imageRecipeVersion, l.Suite, l.Digest())
	return hex.EncodeToString(h.Sum(nil))[:16]
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

// buildImage installs exactly the locked .debs with debootstrap from a
// local repository, checks the result against the lock and imports it. It
// fails closed: a .deb that is neither cached nor served stops it before
// anything is built, and a failure leaves no image and no temporary files.
func (d *debian) buildImage(ctx context.Context) error {
	log := d.opts.Log
	for _, tool := range []string{"debootstrap", "tar", "chroot"} {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("building the toolchain image needs %s: run `go run mage.go setup`", tool)
		}
	}
	for _, rec := range []string{"packages.txt", "debian.lock.json"} { // a removed image's record
		if err := os.Remove(filepath.Join(d.dir(), rec)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	start := time.Now()
	debs, err := fetchLocked(ctx, d.lock, fetch.New(d.opts.CacheDir, quiet(log)), log)
	if err != nil {
		return fmt.Errorf("building the toolchain image %s: %w", d.Image(), err)
	}
	logFile, err := openStageLog(d.opts.LogDir, "toolchain")
	if err != nil {
		return err
	}
	defer logFile.Close()
	tmp, err := os.MkdirTemp(d.dir(), "build-")
	if err != nil {
		return err
	}
	defer removeTree(tmp, log)
	repo, rootfs := filepath.Join(tmp, "repo"), filepath.Join(tmp, "rootfs")
	if err := localRepo(repo, d.lock, debs); err != nil {
		return fmt.Errorf("building the toolchain image from %s: %w", LockFile, err)
	}
	log.Info("Building the toolchain image with debootstrap from the locked .debs (once; about 2 minutes)",
		"image", d.Image(), "packages", len(d.lock.Packages), "lock", LockFile, "log", logFile.Name())
	args := []string{"--variant=minbase", "--components=" + d.lock.Component, "--no-check-gpg",
		"--include=" + strings.Join(d.lock.Names(), ","), d.lock.Suite, rootfs, "file://" + repo}
	cmd := exec.CommandContext(ctx, "debootstrap", args...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) } // let debootstrap unmount /proc and /sys
	cmd.WaitDelay = 30 * time.Second
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("debootstrap %s from the locked .debs (see %s): %w", d.lock.Suite, logFile.Name(), err)
	}
	if err := tidyRootfs(rootfs); err != nil {
		return err
	}
	q := exec.CommandContext(ctx, "chroot", rootfs, "dpkg-query", "-W", "-f", "${db:Status-Abbrev}\t${Package}\t${Version}\t${Architecture}\n")
	q.Stderr = logFile
	out, err := q.Output()
	if err != nil {
		return fmt.Errorf("listing the toolchain's packages: %w", err)
	}
	if err := checkInstalled(d.lock, out); err != nil {
		return fmt.Errorf("the toolchain image %s: %w", d.Image(), err)
	}
	log.Info("Importing the toolchain image into podman", "elapsed", time.Since(start).Round(time.Second))
	if err := d.importRootfs(ctx, rootfs, logFile); err != nil {
		return err
	}
	if err := d.writeRecord(); err != nil {
		if rmErr := exec.Command("podman", "rmi", d.Image()).Run(); rmErr != nil {
			err = errors.Join(err, fmt.Errorf("removing %s again: %w", d.Image(), rmErr))
		}
		return err
	}
	log.Info("Toolchain image ready", "image", d.Image(), "packages", len(d.lock.Packages), "lock", "sha256:"+d.lock.Digest(),
		"elapsed", time.Since(start).Round(time.Second), "record", filepath.Join(d.dir(), "packages.txt"))
	return nil
}

func (d *debian) importRootfs(ctx context.Context, rootfs string, logFile *os.File) error {
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
	impErr := imp.Run()
	tarErr := tarCmd.Wait()
	if impErr == nil && tarErr == nil {
		return nil
	}
	// an import of a truncated archive must not stay tagged
	exec.Command("podman", "rmi", "--ignore", d.Image()).Run()
	if impErr != nil {
		return fmt.Errorf("podman import (see %s): %w", logFile.Name(), impErr)
	}
	return fmt.Errorf("archiving the toolchain rootfs: %w", tarErr)
}

// writeRecord keeps the installed versions (packages.txt, name=version) and
// the lock next to the image.
func (d *debian) writeRecord() error {
	var pk bytes.Buffer
	for _, p := range d.lock.Packages {
		fmt.Fprintf(&pk, "%s=%s\n", p.Name, p.Version)
	}
	if err := stage.WriteFileAtomic(filepath.Join(d.dir(), "packages.txt"), pk.Bytes(), 0o644); err != nil {
		return err
	}
	return stage.WriteFileAtomic(filepath.Join(d.dir(), "debian.lock.json"), d.lock.Encode(), 0o644)
}

// fetchLocked returns every locked .deb's verified file, from the cache or
// the mirrors. Any package that is neither is an error naming it and how to
// refresh the lock.
func fetchLocked(ctx context.Context, l *Lock, f *fetch.Fetcher, log *slog.Logger) (map[string]string, error) {
	type result struct {
		p    LockedPackage
		file string
		err  error
	}
	cached := 0
	for _, p := range l.Packages {
		if st, err := os.Stat(f.CachePath(p.Pin())); err == nil && st.Size() == p.Size {
			cached++
		}
	}
	jobs := make(chan LockedPackage)
	results := make(chan result)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range jobs {
				file, err := f.Get(ctx, p.Pin())
				results <- result{p, file, err}
			}
		}()
	}
	go func() {
		for _, p := range l.Packages {
			jobs <- p
		}
		close(jobs)
		wg.Wait()
		close(results)
	}()
	debs := map[string]string{}
	var failed []result
	var size int64
	for r := range results {
		if r.err != nil {
			failed = append(failed, r)
			continue
		}
		debs[r.p.Name] = r.file
		size += r.p.Size
	}
	if len(failed) > 0 {
		slices.SortFunc(failed, func(a, b result) int { return strings.Compare(a.p.Name, b.p.Name) })
		mirrors, _ := f.Mirrors("debian")
		var b strings.Builder
		fmt.Fprintf(&b, "%d locked package(s) neither cached nor served by %s:", len(failed), strings.Join(mirrors, ", "))
		for _, r := range failed {
			fmt.Fprintf(&b, "\n  %s: %v", r.p, r.err)
		}
		fmt.Fprintf(&b, "\nno image was built; if the mirror no longer serves these versions, %s", RefreshHint)
		return nil, errors.New(b.String())
	}
	log.Info("Locked .debs ready", "packages", len(debs), "cached", cached, "downloaded", len(debs)-cached, "MB", size>>20)
	return debs, nil
}

// quiet drops a logger's Info lines (one per download would be 176 lines).
func quiet(log *slog.Logger) *slog.Logger { return slog.New(minLevel{log.Handler(), slog.LevelWarn}) }

type minLevel struct {
	slog.Handler
	min slog.Level
}

func (h minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}

// tidyRootfs drops what debootstrap leaves behind from the local
// repository: the .debs, the apt lists and a sources.list naming a
// temporary directory. The container builds offline and has no apt sources.
func tidyRootfs(rootfs string) error {
	for _, dir := range []string{"var/cache/apt/archives", "var/lib/apt/lists"} {
		if err := os.RemoveAll(filepath.Join(rootfs, dir)); err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(rootfs, dir, "partial"), 0o755); err != nil {
			return err
		}
	}
	return os.WriteFile(filepath.Join(rootfs, "etc/apt/sources.list"),
		[]byte("# Manx build container: installed from "+LockFile+"; no apt sources (builds run offline).\n"), 0o644)
}

// checkInstalled compares dpkg-query's "status\tname\tversion\tarch" lines
// with the lock: the same packages, versions and architectures, all
// installed.
func checkInstalled(l *Lock, out []byte) error {
	var problems []string
	seen := map[string]bool{}
	for _, line := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 4 {
			return fmt.Errorf("dpkg-query: unexpected line %q", line)
		}
		status, name, version, arch := strings.TrimSpace(f[0]), f[1], f[2], f[3]
		seen[name] = true
		p, ok := l.Package(name)
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("%s %s %s is installed but not locked", name, version, arch))
		case p.Version != version || p.Architecture != arch:
			problems = append(problems, fmt.Sprintf("%s %s %s is installed, the lock has %s %s", name, version, arch, p.Version, p.Architecture))
		case status != "ii":
			problems = append(problems, fmt.Sprintf("%s %s is in dpkg state %q, want ii", name, version, status))
		}
	}
	for _, p := range l.Packages {
		if !seen[p.Name] {
			problems = append(problems, fmt.Sprintf("%s %s is locked but not installed", p.Name, p.Version))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("dpkg-query -W differs from %s:\n  %s", LockFile, strings.Join(problems, "\n  "))
	}
	return nil
}

// removeTree removes a build's temporary tree, first detaching anything
// still mounted below it (a killed debootstrap leaves /proc and /sys
// mounted in the rootfs).
func removeTree(dir string, log *slog.Logger) {
	if mi, err := os.ReadFile("/proc/self/mountinfo"); err == nil {
		var mounts []string
		for _, line := range strings.Split(string(mi), "\n") {
			if f := strings.Fields(line); len(f) > 4 && (f[4] == dir || strings.HasPrefix(f[4], dir+"/")) {
				mounts = append(mounts, f[4])
			}
		}
		slices.SortFunc(mounts, func(a, b string) int { return len(b) - len(a) }) // deepest first
		for _, m := range mounts {
			if out, err := exec.Command("umount", "-l", m).CombinedOutput(); err != nil {
				log.Error("Cannot unmount; leaving the toolchain build directory in place", "mount", m, "err", strings.TrimSpace(string(out)))
				return
			}
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		log.Warn("Removing the toolchain build directory", "dir", dir, "err", err)
	}
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
	for _, k := range slices.Sorted(maps.Keys(env)) {
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
