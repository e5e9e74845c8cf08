package toolchain

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Podman is how this host runs containers: the argv prefix (podman, with
// --runtime when needed) and extra environment for it.
type Podman struct {
	Argv []string
	Env  []string
}

// Command returns a podman command with args.
func (p Podman) Command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, p.Argv[0], append(append([]string(nil), p.Argv[1:]...), args...)...)
	cmd.Env = append(os.Environ(), p.Env...)
	return cmd
}

// ProbePodman runs a no-op container of image. Where the default OCI runtime
// cannot set the container's rlimits (crun's setrlimit is refused on some
// hosts), it switches to runc with a containers.conf (written into confDir)
// that sets no default ulimits, and says so.
func ProbePodman(ctx context.Context, image, confDir string, log *slog.Logger) (Podman, error) {
	p := Podman{Argv: []string{"podman"}}
	out, err := p.Command(ctx, "run", "--rm", "--network=none", image, "true").CombinedOutput()
	if err == nil {
		return p, nil
	}
	if !bytes.Contains(out, []byte("rlimit")) {
		return p, fmt.Errorf("podman cannot run %s: %s: %w", image, strings.TrimSpace(string(out)), err)
	}
	if err := os.MkdirAll(confDir, 0o755); err != nil {
		return p, err
	}
	conf := filepath.Join(confDir, "containers.conf")
	if err := os.WriteFile(conf, []byte("# Written by Manx: this host refuses container rlimits.\n[containers]\ndefault_ulimits = []\n"), 0o644); err != nil {
		return p, err
	}
	p = Podman{Argv: []string{"podman", "--runtime", "runc"}, Env: []string{"CONTAINERS_CONF=" + conf}}
	log.Info("Podman cannot set container rlimits on this host; using --runtime runc and default_ulimits = []", "containers.conf", conf)
	if out, err := p.Command(ctx, "run", "--rm", "--network=none", image, "true").CombinedOutput(); err != nil {
		return p, fmt.Errorf("podman still cannot run %s with runc: %s: %w", image, strings.TrimSpace(string(out)), err)
	}
	return p, nil
}
