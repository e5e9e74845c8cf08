package swtpm

import (
	"os"
	"path/filepath"
	"syscall"
)

// lockHolder returns the process holding swtpm's lock on stateDir, or 0.
// swtpm takes a POSIX record lock on STATE/.lock when it initialises the
// TPM: at start with --flags not-need-init, at QEMU's CMD_INIT otherwise.
// Without looking, a second swtpm on the same state would start and fail
// later.
func lockHolder(stateDir string) (int, error) {
	f, err := os.OpenFile(filepath.Join(stateDir, ".lock"), os.O_WRONLY|os.O_CREATE, 0o600)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	lk := syscall.Flock_t{Type: syscall.F_WRLCK}
	if err := syscall.FcntlFlock(f.Fd(), syscall.F_GETLK, &lk); err != nil {
		return 0, err
	}
	if lk.Type == syscall.F_UNLCK {
		return 0, nil
	}
	return int(lk.Pid), nil
}
