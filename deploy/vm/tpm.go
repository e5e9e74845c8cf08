package vm

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"manx/deploy/profile"
)

// tpmState is where p's swtpm keeps its state: the build directory's
// vmstate/tpm/<name> for a persistent TPM (profile.Profile.TPMState),
// else the VM's own temporary directory dir.
func (c Config) tpmState(p profile.Profile, dir string) string {
	if p.TPMState != "" {
		return filepath.Join(c.BuildDir, "vmstate", "tpm", p.TPMState)
	}
	return filepath.Join(dir, "tpm")
}

// startTPM manufactures p's TPM if its state is new (swtpm_setup, SHA-256
// bank only) and starts swtpm on a control socket in dir for QEMU's
// tpm-emulator backend. stop kills swtpm and waits for it.
func (c Config) startTPM(p profile.Profile, dir string) (string, func(), error) {
	state := c.tpmState(p, dir)
	if err := setupTPM(context.Background(), state); err != nil {
		return "", nil, err
	}
	sock := filepath.Join(dir, "swtpm.sock")
	logf := filepath.Join(dir, "swtpm.log")
	cmd := exec.Command("swtpm", "socket", "--tpm2", "--tpmstate", "dir="+state,
		"--ctrl", "type=unixio,path="+sock, "--terminate", "--log", "file="+logf+",level=1")
	if err := cmd.Start(); err != nil {
		return "", nil, fmt.Errorf("starting swtpm (Debian package swtpm; go run mage.go setup installs it): %w", err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	stop := func() {
		cmd.Process.Kill()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
		}
	}
	for deadline := time.Now().Add(5 * time.Second); ; {
		if _, err := os.Stat(sock); err == nil {
			return sock, stop, nil
		}
		select {
		case err := <-done:
			b, _ := os.ReadFile(logf)
			return "", nil, fmt.Errorf("swtpm exited before listening (%v): %s", err, b)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			stop()
			return "", nil, errors.New("swtpm did not create its socket within 5s")
		}
	}
}

// setupTPM manufactures a TPM in state unless it already holds one: only
// the SHA-256 PCR bank is allocated (what Manx predicts and seals to).
func setupTPM(ctx context.Context, state string) error {
	if _, err := os.Stat(filepath.Join(state, "tpm2-00.permall")); err == nil {
		return nil
	}
	if err := os.MkdirAll(state, 0o700); err != nil {
		return err
	}
	out, err := exec.CommandContext(ctx, "swtpm_setup", "--tpm2", "--tpmstate", state,
		"--pcr-banks", "sha256", "--not-overwrite").CombinedOutput()
	if err != nil {
		return fmt.Errorf("swtpm_setup --tpmstate %s: %w: %s", state, err, out)
	}
	return nil
}
