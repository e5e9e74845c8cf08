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

// Check boots p headless and asserts its outcome.
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
	defer func() {
		b, _ := os.ReadFile(serial)
		os.WriteFile(kept, b, 0o644)
		if err != nil {
			err = fmt.Errorf("profile %s: %w\n--- serial log tail (%s) ---\n%s", p.ID, err, kept, logx.TailLines(string(b), 25))
		}
	}()
	o.Log.Debug("Starting QEMU", "profile", p.ID, "argv", strings.Join(args, " "))
	cmd := exec.Command(qemu.Binary, args...)
	stderr := &syncBuffer{}
	cmd.Stderr = stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return res, fmt.Errorf("starting QEMU: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stop := func() {
		cmd.Process.Kill()
		<-exited
	}
	m := &Matcher{Expect: p.Expect, Refuse: p.Refuse}
	deadline := time.NewTimer(p.Timeout)
	defer deadline.Stop()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	poll := func() error {
		b, _ := os.ReadFile(serial)
		evs, err := m.Feed(string(b))
		for _, e := range evs {
			at := time.Since(start).Round(100 * time.Millisecond)
			res.Markers = append(res.Markers, Timed{Marker: e.Marker, At: at})
			o.Log.Info("Marker", "profile", p.ID, "marker", e.Marker, "at", at)
		}
		return err
	}
	for !m.Done() {
		select {
		case <-ctx.Done():
			stop()
			return res, ctx.Err()
		case <-deadline.C:
			stop()
			poll()
			if m.Done() {
				break
			}
			return res, fmt.Errorf("timed out after %s waiting for %q", p.Timeout, m.Pending())
		case werr := <-exited:
			exited <- werr
			if err := poll(); err != nil {
				return res, err
			}
			if m.Done() {
				break
			}
			return res, fmt.Errorf("QEMU exited (%v) before %q: %s", werr, m.Pending(), strings.TrimSpace(stderr.String()))
		case <-tick.C:
			if err := poll(); err != nil {
				stop()
				return res, err
			}
		}
	}
	if p.Screen {
		shot, err := screenCheck(ctx, sock, filepath.Join(o.LogDir, "deploy-"+p.Target()+".ppm"), o.Screen)
		res.Screendump = shot
		if err != nil {
			stop()
			return res, err
		}
	}
	// A grace period lets refusals that follow the last marker show up.
	time.Sleep(300 * time.Millisecond)
	perr := poll()
	stop()
	return res, perr
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
