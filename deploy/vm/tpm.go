package vm

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"manx/deploy/profile"
	"manx/tpm/swtpm"
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

// startTPM manufactures p's TPM if its state is new (SHA-256 bank only)
// and starts swtpm on a control socket in dir for QEMU's tpm-emulator
// backend. stop ends swtpm and waits for it.
func (c Config) startTPM(p profile.Profile, dir string) (string, func(), error) {
	ctx := context.Background()
	state := c.tpmState(p, dir)
	if err := swtpm.Setup(ctx, state); err != nil {
		return "", nil, err
	}
	sock, stop, err := swtpm.StartForQEMU(ctx, state, dir)
	if err != nil {
		return "", nil, err
	}
	return sock, func() {
		if err := stop(); err != nil {
			c.Log.Warn("Stopping swtpm", "profile", p.ID, "err", err)
		}
	}, nil
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
