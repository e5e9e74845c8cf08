package swtpm

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// StateFile is the file in a state directory that holds a TPM 2.0's
// permanent state; Setup skips directories that have it.
const StateFile = "tpm2-00.permall"

// Setup manufactures a TPM 2.0 state in stateDir (created 0700 if missing)
// with swtpm_setup, activating only the SHA-256 PCR bank (so the firmware
// measures into one bank and policies need only SHA-256 values). It does
// nothing when stateDir already holds a state: the seeds, and so the SRK
// and everything sealed under it, stay.
func Setup(ctx context.Context, stateDir string) error {
	if _, err := os.Stat(filepath.Join(stateDir, StateFile)); err == nil {
		return nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("swtpm setup: %w", err)
	}
	if err := os.MkdirAll(stateDir, 0o700); err != nil {
		return fmt.Errorf("swtpm setup: %w", err)
	}
	cmd := exec.CommandContext(ctx, "swtpm_setup", "--tpm2", "--tpmstate", stateDir,
		"--pcr-banks", "sha256", "--not-overwrite")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("swtpm setup: %s: %w\n%s", strings.Join(cmd.Args, " "), err, out)
	}
	if _, err := os.Stat(filepath.Join(stateDir, StateFile)); err != nil {
		return fmt.Errorf("swtpm setup: swtpm_setup wrote no state: %w\n%s", err, out)
	}
	return nil
}
