package toolchain

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// NixImage is the container image the Nix backend runs `nix build` in.
// MANX_NIX_IMAGE overrides it (a mirror, or an image loaded with `podman
// load`).
const NixImage = "docker.io/nixos/nix:2.28.4"

// Nix builds whole flake outputs with `nix build` inside Podman. It does not
// run recipe steps: the flake wraps the same recipes (docs/nix.md).
type Nix struct {
	opts  Options
	image string
	id    string

	once    sync.Once
	podman  Podman
	prepErr error
}

func newNix(o Options) *Nix {
	img := os.Getenv("MANX_NIX_IMAGE")
	if img == "" {
		img = NixImage
	}
	return &Nix{opts: o, image: img}
}

func (n *Nix) Name() string { return "nix" }

// ID names the image and the locked nixpkgs: "nix-<digest>" of both, so
// stage keys and the hash manifest change when either does.
func (n *Nix) ID() string {
	if n.id == "" {
		h := sha256.New()
		fmt.Fprintf(h, "image=%s\nlock=%s\n", n.image, lockedNixpkgs(filepath.Join(n.opts.Root, "flake.lock")))
		n.id = "nix-" + hex.EncodeToString(h.Sum(nil))[:16]
	}
	return n.id
}

// lockedNixpkgs returns the locked nixpkgs revision and hash from a
// flake.lock, or "" when unreadable.
func lockedNixpkgs(file string) string {
	b, err := os.ReadFile(file)
	if err != nil {
		return ""
	}
	var lock struct {
		Nodes map[string]struct {
			Locked struct {
				Rev     string `json:"rev"`
				NarHash string `json:"narHash"`
			} `json:"locked"`
		} `json:"nodes"`
	}
	if json.Unmarshal(b, &lock) != nil {
		return ""
	}
	l := lock.Nodes["nixpkgs"].Locked
	return l.Rev + " " + l.NarHash
}

// Prepare finds the Nix image (pulling it if the host can) and a way to run
// it.
func (n *Nix) Prepare(ctx context.Context) error {
	n.once.Do(func() { n.prepErr = n.prepare(ctx) })
	return n.prepErr
}

func (n *Nix) prepare(ctx context.Context) error {
	p := Podman{Argv: []string{"podman"}}
	if err := p.Command(ctx, "image", "exists", n.image).Run(); err != nil {
		n.opts.Log.Info("Pulling the Nix image", "image", n.image)
		out, err := p.Command(ctx, "pull", n.image).CombinedOutput()
		if err != nil {
			return fmt.Errorf("MANX_TOOLCHAIN=nix needs the container image %s and could not pull it (no container registry reachable?): %s: %w; "+
				"load it with `podman load` or set MANX_NIX_IMAGE, or use MANX_TOOLCHAIN=debian", n.image, lastLine(out), err)
		}
	}
	pp, err := ProbePodman(ctx, n.image, filepath.Join(n.opts.CacheDir, "toolchain"), n.opts.Log)
	n.podman = pp
	return err
}

// Run refuses: recipes run through the flake, see BuildOutput.
func (n *Nix) Run(ctx context.Context, s Step) error {
	return fmt.Errorf("step %s: the nix toolchain builds flake outputs (BuildOutput), not recipe steps", s.Name)
}

// BuildArgs returns the podman arguments that build the flake output attr
// of the repository root (mounted read-only at /src) with the sandbox on
// and copy the listed result files into outDir (mounted at /out). The Nix
// store lives in the named volume manx-nix, so later builds reuse it.
func BuildArgs(image, root, outDir, attr string, files []string) []string {
	script := "set -eu\n" +
		"git config --global --add safe.directory /src\n" +
		"nix --extra-experimental-features 'nix-command flakes' build --option sandbox true " +
		"--print-build-logs --out-link /tmp/result 'git+file:///src#" + attr + "'\n"
	for _, f := range files {
		script += "cp -L /tmp/result/" + f + " /out/" + f + "\n"
	}
	// --privileged: Nix's build sandbox needs mount and user namespaces.
	return []string{"run", "--rm", "--privileged",
		"-v", "manx-nix:/nix", "-v", root + ":/src:ro", "-v", outDir + ":/out:rw",
		image, "sh", "-c", script}
}

// BuildOutput runs `nix build` for attr and copies files from its result
// into outDir, logging to log.
func (n *Nix) BuildOutput(ctx context.Context, root, attr, outDir string, files []string, log io.Writer) error {
	if err := n.Prepare(ctx); err != nil {
		return err
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return err
	}
	start := time.Now()
	cmd := n.podman.Command(ctx, BuildArgs(n.image, root, outDir, attr, files)...)
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("nix build .#%s in %s: %w", attr, n.image, err)
	}
	n.opts.Log.Info("Built with Nix", "output", attr, "elapsed", time.Since(start).Round(time.Second))
	return nil
}

func lastLine(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	return lines[len(lines)-1]
}

// ErrNotNix is returned by AsNix for other backends.
var ErrNotNix = errors.New("not the nix toolchain")

// AsNix returns b as the Nix backend, or ErrNotNix.
func AsNix(b Backend) (*Nix, error) {
	if n, ok := b.(*Nix); ok {
		return n, nil
	}
	return nil, ErrNotNix
}
