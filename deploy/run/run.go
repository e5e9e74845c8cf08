package run

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"manx/deploy/profile"
	"manx/deploy/qemu"
	"manx/internal/logx"
)

// ScreenCheck decides from a PPM screendump whether the expected picture is
// on screen.
type ScreenCheck func(ppm []byte) error

// Options configure a headless check.
type Options struct {
	Accel   string
	LogDir  string      // serial logs and screendumps are kept here
	Screen  ScreenCheck // required for profiles with Screen set
	Log     *slog.Logger
	Prepare func(dir string, in *qemu.Inputs) error // copies per-VM state (var stores) into dir
	// Serve starts what the VM talks to on the host (an OS package server,
	// say) before QEMU starts; stop is called after QEMU has ended. nil:
	// nothing is served.
	Serve func(p profile.Profile) (stop func(), err error)
	// TPM starts the swtpm of a profile with a TPM (p.TPM()) in the VM's
	// directory dir and returns its control socket; stop ends it and is
	// called after QEMU has ended. Required for profiles with a TPM.
	TPM func(p profile.Profile, dir string) (socket string, stop func(), err error)
	// QEMU is the emulator binary; "" means qemu.Binary. Tests give a
	// stand-in script that writes to the serial file named by -serial.
	QEMU string
	// After inspects what the VM left in its per-VM state (in, as Prepare
	// set it up) once QEMU has ended and the markers passed; an error fails
	// the check. nil: nothing to inspect.
	After func(p profile.Profile, in qemu.Inputs) error
}

// Result is what a passing check measured.
type Result struct {
	Profile    string
	Markers    []Timed
	Screendump string // path of the kept screendump (graphical profiles)
	SerialLog  string
}

// Timed is a marker and the time from QEMU start to its appearance.
type Timed struct {
	Marker string
	At     time.Duration
}

// pollEvery is how often a check reads the serial log.
const pollEvery = 100 * time.Millisecond

// killGrace bounds the wait for QEMU to be reaped after it is killed.
const killGrace = 5 * time.Second

// Check boots p headless and asserts its outcome: p.Expect in order within
// p.Timeout of QEMU's start, then the screen (graphical profiles), then no
// p.Refuse text until the watch (p.Watch) ends. Refused text seen at any
// time fails the check. Whatever QEMU does, Check returns within p.Timeout
// plus the watch window plus killGrace, and for graphical profiles the
// screen check's own bounds (screenWait and QMP's read deadline).
//
// At the deadline the serial log is read once more while QEMU still runs:
// a marker in the log then counts, one written after it does not. A guest
// that powers off (QEMU exits) ends the watch early: its log is final.
func Check(ctx context.Context, p profile.Profile, in qemu.Inputs, o Options) (res Result, err error) {
	res.Profile = p.ID
	unlock, err := lockQEMU()
	if err != nil {
		return res, err
	}
	defer unlock()
	dir, err := os.MkdirTemp("", "manx-vm-")
	if err != nil {
		return res, err
	}
	defer os.RemoveAll(dir)
	if o.Prepare != nil {
		if err := o.Prepare(dir, &in); err != nil {
			return res, fmt.Errorf("profile %s: preparing the VM: %w", p.ID, err)
		}
	}
	stopTPM, err := startTPM(p, o, dir, &in)
	if err != nil {
		return res, err
	}
	defer stopTPM()
	stopServing, err := serve(p, o)
	if err != nil {
		return res, err
	}
	defer stopServing()
	serial := filepath.Join(dir, "serial.log")
	sock := filepath.Join(dir, "qmp.sock")
	args, err := qemu.Args(p, in, qemu.Runtime{Accel: o.Accel, Serial: "file:" + serial, QMP: sock, TSCkHz: HostTSCkHz()})
	if err != nil {
		return res, err
	}
	if err := os.MkdirAll(o.LogDir, 0o755); err != nil {
		return res, err
	}
	kept := filepath.Join(o.LogDir, "deploy-"+p.Target()+".serial.log")
	res.SerialLog = kept
	defer func() { // runs after vm.stop: the log is complete
		b, _ := os.ReadFile(serial)
		os.WriteFile(kept, b, 0o644)
		if err != nil {
			err = fmt.Errorf("profile %s: %w\n--- serial log tail (%s) ---\n%s", p.ID, err, kept, logx.TailLines(string(b), 25))
		}
	}()
	bin := or(o.QEMU, qemu.Binary)
	o.Log.Debug("Starting QEMU", "profile", p.ID, "binary", bin, "argv", strings.Join(args, " "))
	vm, err := startVM(bin, args, filepath.Join(dir, "qemu.stderr"), o.Log)
	if err != nil {
		return res, err
	}
	defer vm.stop()

	m := &Matcher{Expect: p.Expect, Refuse: p.Refuse}
	poll := func() error {
		b, _ := os.ReadFile(serial)
		evs, err := m.Feed(string(b))
		for _, e := range evs {
			at := time.Since(vm.start).Round(pollEvery)
			res.Markers = append(res.Markers, Timed{Marker: e.Marker, At: at})
			o.Log.Info("Marker", "profile", p.ID, "marker", e.Marker, "at", at)
		}
		return err
	}
	deadline := time.NewTimer(p.Timeout)
	defer deadline.Stop()
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()

	// The expected markers, until the deadline.
	for !m.Done() {
		select {
		case <-ctx.Done():
			return res, ctx.Err()
		case <-deadline.C:
			// A last look while QEMU still runs.
			if err := poll(); err != nil {
				return res, err
			}
			if m.Done() {
				continue // the last marker made it: on to the watch
			}
			pending := m.Pending()
			vm.stop()
			if err := poll(); err != nil { // refused text beats a timeout
				return res, err
			}
			return res, fmt.Errorf("timed out after %s waiting for %q", p.Timeout, pending)
		case <-vm.done:
			if err := poll(); err != nil {
				return res, err
			}
			if !m.Done() {
				return res, fmt.Errorf("QEMU exited (%v) before %q: %s", vm.err, m.Pending(), vm.stderrText())
			}
		case <-tick.C:
			if err := poll(); err != nil {
				return res, err
			}
		}
	}
	if p.Screen && !vm.exited() {
		shot, err := screenCheck(ctx, sock, filepath.Join(o.LogDir, "deploy-"+p.Target()+".ppm"), o.Screen)
		res.Screendump = shot
		if err != nil {
			return res, err
		}
	} else if p.Screen {
		return res, fmt.Errorf("QEMU exited (%v) before the screen check: %s", vm.err, vm.stderrText())
	}

	// The watch for refused text.
	watch := p.Watch.Duration()
	if p.Watch.UntilPowerOff {
		watch = time.Until(vm.start.Add(p.Timeout)) // <= 0 fires at once
	}
	end := time.NewTimer(watch)
	defer end.Stop()
	o.Log.Debug("Watching for refused output", "profile", p.ID, "watch", p.Watch)
	defer func() {
		if err == nil && o.After != nil {
			vm.stop()
			if err = o.After(p, in); err != nil {
				err = fmt.Errorf("after the boot: %w", err)
			}
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return res, ctx.Err()
		case <-vm.done: // powered off: the log is final
			return res, poll()
		case <-end.C:
			if vm.exited() { // powered off just now
				return res, poll()
			}
			vm.stop()
			if err := poll(); err != nil {
				return res, err
			}
			if p.Watch.UntilPowerOff {
				return res, fmt.Errorf("the guest did not power off within %s", p.Timeout)
			}
			return res, nil
		case <-tick.C:
			if err := poll(); err != nil {
				return res, err
			}
		}
	}
}

// qemuVM is a running QEMU. Its exit is observed once, by the goroutine that
// waits for it, and announced by closing done.
type qemuVM struct {
	cmd    *exec.Cmd
	start  time.Time
	stderr string // file QEMU's stderr goes to
	log    *slog.Logger
	done   chan struct{} // closed when QEMU has exited and err is set
	err    error         // cmd.Wait's result; read only after done is closed
	once   sync.Once
}

// startVM starts bin with its stderr in the file stderr: a file, not a
// pipe, so that Wait returns when QEMU exits even if something it started
// still holds its stderr.
func startVM(bin string, args []string, stderr string, log *slog.Logger) (*qemuVM, error) {
	f, err := os.Create(stderr)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	v := &qemuVM{stderr: stderr, log: log, done: make(chan struct{})}
	v.cmd = exec.Command(bin, args...)
	v.cmd.Stderr = f
	v.start = time.Now()
	if err := v.cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting QEMU: %w", err)
	}
	go func() {
		v.err = v.cmd.Wait()
		close(v.done)
	}()
	return v, nil
}

// stderrText is what QEMU wrote to its stderr so far.
func (v *qemuVM) stderrText() string {
	b, _ := os.ReadFile(v.stderr)
	return strings.TrimSpace(string(b))
}

// exited reports whether QEMU has exited.
func (v *qemuVM) exited() bool {
	select {
	case <-v.done:
		return true
	default:
		return false
	}
}

// stop kills QEMU and waits, at most killGrace, until it is reaped. It may
// be called any number of times.
func (v *qemuVM) stop() {
	v.once.Do(func() {
		if v.exited() {
			return
		}
		v.cmd.Process.Kill()
		select {
		case <-v.done:
		case <-time.After(killGrace):
			v.log.Warn("QEMU not reaped after SIGKILL; leaving it", "pid", v.cmd.Process.Pid)
		}
	})
}

func or(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// startTPM starts p's swtpm, if it has a TPM, and names its socket in in;
// its stop function is never nil.
func startTPM(p profile.Profile, o Options, dir string, in *qemu.Inputs) (func(), error) {
	if !p.TPM() {
		return func() {}, nil
	}
	if o.TPM == nil {
		return nil, fmt.Errorf("profile %s has a TPM and nothing starts swtpm (run.Options.TPM)", p.ID)
	}
	sock, stop, err := o.TPM(p, dir)
	if err != nil {
		return nil, fmt.Errorf("profile %s: starting swtpm: %w", p.ID, err)
	}
	in.TPM = sock
	if stop == nil {
		stop = func() {}
	}
	return stop, nil
}

// serve runs o.Serve for p; its stop function is never nil.
func serve(p profile.Profile, o Options) (func(), error) {
	if o.Serve == nil {
		return func() {}, nil
	}
	stop, err := o.Serve(p)
	if err != nil {
		return nil, fmt.Errorf("profile %s: starting what the VM talks to: %w", p.ID, err)
	}
	if stop == nil {
		stop = func() {}
	}
	return stop, nil
}

// screenWait bounds how long the picture may take to reach the display
// after the guest reports drawing it (DRM fbdev emulation flushes damaged
// pages from a worker; under TCG that lags).
const screenWait = 20 * time.Second

// screenCheck takes screendumps until check accepts one or screenWait
// passes; the last screendump is kept at path.
func screenCheck(ctx context.Context, sock, path string, check ScreenCheck) (string, error) {
	if check == nil {
		return "", errors.New("profile checks the screen but no screen check was given")
	}
	q, err := dialQMP(ctx, sock)
	if err != nil {
		return "", err
	}
	defer q.close()
	deadline := time.Now().Add(screenWait)
	for {
		if _, err := q.exec("screendump", map[string]any{"filename": path}); err != nil {
			return "", err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return "", err
		}
		err = check(b)
		if err == nil {
			return path, nil
		}
		if time.Now().After(deadline) {
			return path, fmt.Errorf("screen check (%s) after %s: %w", path, screenWait, err)
		}
		select {
		case <-ctx.Done():
			return path, ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
}
