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
	"sync"
	"syscall"
	"time"

	"github.com/google/go-tpm/tpm2/transport"
)

// Timeouts of a swtpm process's life.
const (
	startTimeout = 10 * time.Second // until it listens (and holds its state's lock)
	stopGrace    = 5 * time.Second  // from SIGTERM to SIGKILL
)

// maxSocketPath is the longest Unix socket path Linux accepts
// (sizeof(sun_path) - 1).
const maxSocketPath = 107

// Process is a running swtpm serving a state directory.
type Process struct {
	socket string // data socket; "" for QEMU's control-only mode
	ctrl   string // control socket
	state  string // state directory
	tpm    *conn

	cmd  *exec.Cmd
	out  *tail
	done chan struct{} // closed when the process has been reaped
	err  error         // cmd.Wait's result, set before done closes

	stopOnce sync.Once
	stopErr  error
}

// Start runs swtpm on stateDir (set up first with Setup) serving TPM
// commands on socketDir/swtpm.sock and its control channel on
// socketDir/swtpm.sock.ctrl, with the TPM already started up
// (TPM2_Startup(CLEAR)). It returns once both sockets listen. The process
// lives until Stop or until ctx is done.
func Start(ctx context.Context, stateDir, socketDir string) (*Process, error) {
	sock := filepath.Join(socketDir, "swtpm.sock")
	p := &Process{socket: sock, ctrl: sock + ".ctrl", tpm: dialUnix(sock)}
	err := p.start(ctx, stateDir,
		"--server", "type=unixio,path="+p.socket,
		"--ctrl", "type=unixio,path="+p.ctrl,
		"--flags", "startup-clear,not-need-init")
	if err != nil {
		return nil, err
	}
	return p, nil
}

// StartForQEMU runs swtpm on stateDir with only a control socket,
// runDir/swtpm.ctrl, for QEMU (`-chardev socket,id=chrtpm,path=CTRL
// -tpmdev emulator,id=tpm0,chardev=chrtpm -device tpm-crb,tpmdev=tpm0`):
// QEMU hands swtpm the data channel over it (CMD_SET_DATAFD), initialises
// the TPM (CMD_INIT) and the firmware runs TPM2_Startup. swtpm exits when
// QEMU disconnects (--terminate). stop ends it if it is still running,
// waits for it and removes the socket; it returns an error only if swtpm
// failed. The process lives until stop, QEMU's exit or ctx is done.
func StartForQEMU(ctx context.Context, stateDir, runDir string) (ctrlSocket string, stop func() error, err error) {
	p := &Process{ctrl: filepath.Join(runDir, "swtpm.ctrl")}
	if err := p.start(ctx, stateDir, "--ctrl", "type=unixio,path="+p.ctrl, "--terminate"); err != nil {
		return "", nil, err
	}
	return p.ctrl, p.Stop, nil
}

// start runs swtpm socket with the common arguments and args, and waits
// for the sockets.
func (p *Process) start(ctx context.Context, stateDir string, args ...string) error {
	for _, s := range p.sockets() {
		if len(s) > maxSocketPath {
			return fmt.Errorf("swtpm: socket path %s is longer than %d bytes", s, maxSocketPath)
		}
		// A socket left by an earlier run would look ready.
		if err := os.Remove(s); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("swtpm: %w", err)
		}
	}
	if _, err := os.Stat(filepath.Join(stateDir, StateFile)); err != nil {
		return fmt.Errorf("swtpm: no TPM state in %s (run Setup first): %w", stateDir, err)
	}
	if pid, err := lockHolder(stateDir); err != nil {
		return fmt.Errorf("swtpm: %w", err)
	} else if pid != 0 {
		return fmt.Errorf("swtpm: TPM state %s is in use by another swtpm (pid %d)", stateDir, pid)
	}
	p.state = stateDir
	args = append([]string{"socket", "--tpm2", "--tpmstate", "dir=" + stateDir}, args...)
	p.out = &tail{}
	p.cmd = exec.CommandContext(ctx, "swtpm", args...)
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	p.cmd.Cancel = func() error { return p.cmd.Process.Signal(syscall.SIGTERM) }
	p.cmd.WaitDelay = stopGrace
	if err := p.cmd.Start(); err != nil {
		return fmt.Errorf("swtpm: %w", err)
	}
	p.done = make(chan struct{})
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	if err := p.waitSockets(ctx); err != nil {
		p.Stop()
		return fmt.Errorf("swtpm: %s: %w%s", strings.Join(p.cmd.Args, " "), err, p.output())
	}
	return nil
}

// waitSockets polls until every socket is listening and, in server mode
// (where swtpm initialises the TPM at start), until the process holds the
// state's lock: a swtpm that lost the lock to another listens briefly,
// then exits.
func (p *Process) waitSockets(ctx context.Context) error {
	deadline := time.NewTimer(startTimeout)
	defer deadline.Stop()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		l, err := listening(p.sockets())
		if err != nil {
			return err
		}
		if len(l) == len(p.sockets()) {
			if p.socket == "" {
				return nil
			}
			holder, err := lockHolder(p.state)
			if err != nil {
				return err
			}
			if holder == p.cmd.Process.Pid {
				return nil
			}
		}
		select {
		case <-p.done:
			return fmt.Errorf("exited before listening: %v", p.err)
		case <-ctx.Done():
			return ctx.Err()
		case <-deadline.C:
			return fmt.Errorf("not listening after %v", startTimeout)
		case <-tick.C:
		}
	}
}

func (p *Process) sockets() []string {
	if p.socket == "" {
		return []string{p.ctrl}
	}
	return []string{p.socket, p.ctrl}
}

// output is swtpm's last output, for an error message.
func (p *Process) output() string {
	s := strings.TrimSpace(p.out.String())
	if s == "" {
		return ""
	}
	return "\nswtpm said:\n" + s
}

// TPM is the go-tpm transport to the TPM. It connects on the first
// command; Stop closes it.
func (p *Process) TPM() transport.TPM { return p.tpm }

// Socket is the data socket; the control socket is Socket() + ".ctrl".
func (p *Process) Socket() string { return p.socket }

// Device is the tpm2-tss TCTI string for the TPM, for tpm2-tools (--tcti)
// and systemd (--tpm2-device): "swtpm:path=SOCKET". swtpm serves one
// connection at a time and TPM() holds its connection from its first
// command until Stop, so another client must do its work before TPM() is
// first used (or it waits for Stop).
func (p *Process) Device() string { return "swtpm:path=" + p.socket }

// Pid is the swtpm process id.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Stop ends swtpm: it closes the transport, sends SIGTERM, waits for the
// process (SIGKILL after a grace period) and removes the sockets. It
// returns an error if swtpm had failed (exited non-zero other than through
// Stop's signal). Calling it again returns the same result.
func (p *Process) Stop() error {
	p.stopOnce.Do(func() {
		if p.tpm != nil {
			p.tpm.Close()
		}
		select {
		case <-p.done:
		default:
			p.cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-p.done:
			case <-time.After(stopGrace):
				p.cmd.Process.Kill()
				<-p.done
			}
		}
		for _, s := range p.sockets() {
			os.Remove(s)
		}
		if p.err != nil && !terminated(p.err) {
			p.stopErr = fmt.Errorf("swtpm: %w%s", p.err, p.output())
		}
	})
	return p.stopErr
}

// terminated reports whether err says the process ended by SIGTERM or
// SIGKILL (Stop's doing), or by the context's cancellation.
func terminated(err error) bool {
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return ws.Signal() == syscall.SIGTERM || ws.Signal() == syscall.SIGKILL
		}
	}
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
