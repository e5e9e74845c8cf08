package toolchain

import (
	"context"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"slices"
)

// host runs steps directly on the build machine.
type host struct{ opts Options }

func (h *host) Name() string                      { return "host" }
func (h *host) ID() string                        { return "host" }
func (h *host) Prepare(ctx context.Context) error { return nil }

func (h *host) Run(ctx context.Context, s Step) error {
	env := baseEnv(h.opts.Epoch)
	env["HOME"] = os.Getenv("HOME")
	for k, v := range s.Env {
		env[k] = v
	}
	for _, m := range s.Mounts {
		if err := os.MkdirAll(m.Host, 0o755); err != nil {
			return err
		}
		env[m.Var] = m.Host
	}
	cmd := exec.CommandContext(ctx, "bash", "-c", prologue+s.Script)
	for _, k := range slices.Sorted(maps.Keys(env)) {
		cmd.Env = append(cmd.Env, k+"="+env[k])
	}
	cmd.Stdout, cmd.Stderr = s.Out, s.Out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("step %s on the host: %w", s.Name, err)
	}
	return nil
}
