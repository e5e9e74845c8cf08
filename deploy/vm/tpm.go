package vm

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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

// EventLogFromSerial reassembles the TPM event log init printed on the
// serial console ("tpm: eventlog begin <len> <sha256>", base64 lines,
// "tpm: eventlog end") and checks its length and digest.
func EventLogFromSerial(serial string) ([]byte, error) {
	const prefix = "tpm: eventlog "
	var (
		enc      strings.Builder
		n        int
		sum      string
		begun    bool
		finished bool
	)
	for _, line := range strings.Split(serial, "\n") {
		line = strings.TrimRight(line, "\r")
		i := strings.Index(line, prefix)
		if i < 0 {
			continue
		}
		rest := line[i+len(prefix):]
		switch {
		case strings.HasPrefix(rest, "begin "):
			if _, err := fmt.Sscanf(rest, "begin %d %s", &n, &sum); err != nil {
				return nil, fmt.Errorf("event log header %q: %w", line, err)
			}
			enc.Reset()
			begun, finished = true, false
		case rest == "end":
			if !begun {
				return nil, errors.New("event log end without begin")
			}
			finished = true
		case begun && !finished:
			enc.WriteString(rest)
		}
	}
	if !finished {
		return nil, errors.New("no complete TPM event log on the serial console (tpm: eventlog begin ... end)")
	}
	b, err := base64.StdEncoding.DecodeString(enc.String())
	if err != nil {
		return nil, fmt.Errorf("event log: %w", err)
	}
	if got := fmt.Sprintf("%x", sha256.Sum256(b)); len(b) != n || got != sum {
		return nil, fmt.Errorf("event log: got %d bytes sha256 %s, the guest sent %d bytes sha256 %s", len(b), got, n, sum)
	}
	return b, nil
}
