package run

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"manx/deploy/profile"
	"manx/deploy/qemu"
	"manx/internal/testutil"
)

// standIn is the head of a stand-in QEMU: it ignores its arguments except
// -serial file:PATH, records its PID (the test checks Check leaves no QEMU
// behind) and gives the body say, which prints a line on the serial port.
// Bodies end in "exec sleep" to stay up, so that killing the PID ends it.
const standIn = `#!/bin/sh
serial= prev=
for a in "$@"; do
	[ "$prev" = -serial ] && serial=${a#file:}
	prev=$a
done
echo $$ >"$MANX_TEST_PIDFILE"
say() { printf '%s\n' "$1" >>"$serial"; }
`

// hangBound is how late Check may return beyond timeout + watch before the
// test calls it a hang: killGrace and then some. It detects hangs; it does
// not time Check.
const hangBound = killGrace + 5*time.Second

type checkCase struct {
	name    string
	timeout time.Duration
	watch   profile.Watch
	script  string
	wantErr string // "" passes; several alternatives separated by "|"
	markers []string
}

func TestCheck(t *testing.T) {
	tests := []checkCase{
		{
			name:    "markers then power off",
			timeout: 3 * time.Second,
			script:  "say 'booting'; say 'm1'; sleep 0.2; say 'm2'; exit 0",
			markers: []string{"m1", "m2"},
		},
		{
			name:    "markers, window passes",
			timeout: 3 * time.Second, watch: profile.Watch{Window: 500 * time.Millisecond},
			script:  "say 'm1'; say 'm2'; exec sleep 600",
			markers: []string{"m1", "m2"},
		},
		{
			name:    "QEMU exits early",
			timeout: 3 * time.Second,
			script:  "say 'm1'; echo 'qemu-system-x86_64: -kernel bzImage: could not open' >&2; exit 1",
			wantErr: `QEMU exited (exit status 1) before "m2": qemu-system-x86_64: -kernel bzImage: could not open`,
		},
		{
			// QEMU's exit is seen although a child still holds its stderr.
			name:    "QEMU exits early, a child keeps its stderr",
			timeout: 3 * time.Second,
			script:  "sleep 5 & echo 'qemu-system-x86_64: failed' >&2; exit 1",
			wantErr: `QEMU exited (exit status 1) before "m1": qemu-system-x86_64: failed`,
		},
		{
			name:    "QEMU never prints",
			timeout: time.Second,
			script:  "exec sleep 600",
			wantErr: `timed out after 1s waiting for "m1"`,
		},
		{
			name:    "markers out of time",
			timeout: time.Second,
			script:  "say 'm1'; exec sleep 600",
			wantErr: `timed out after 1s waiting for "m2"`,
		},
		{
			name:    "refusal before the markers",
			timeout: 3 * time.Second,
			script:  "say 'Linux version 6.12'; exec sleep 600",
			wantErr: `refused output "Linux version"`,
		},
		{
			name:    "refusal 2s after the last marker, default window",
			timeout: 3 * time.Second,
			script:  "say 'm1'; say 'm2'; sleep 2; say 'Linux version 6.12'; exec sleep 600",
			wantErr: `refused output "Linux version"`,
		},
		{
			name:    "refusal after the window",
			timeout: 3 * time.Second, watch: profile.Watch{Window: time.Second},
			script:  "say 'm1'; say 'm2'; sleep 2.5; say 'Linux version 6.12'; exec sleep 600",
			markers: []string{"m1", "m2"},
		},
		{
			name:    "refusal as the guest powers off",
			timeout: 3 * time.Second,
			script:  "say 'm1'; say 'm2'; say 'Linux version 6.12'; exit 0",
			wantErr: `refused output "Linux version"`,
		},
		{
			name:    "until power-off: refusal, then power off",
			timeout: 3 * time.Second, watch: profile.Watch{UntilPowerOff: true},
			script:  "say 'm1'; say 'm2'; sleep 1; say 'Linux version 6.12'; sleep 0.5; exit 0",
			wantErr: `refused output "Linux version"`,
		},
		{
			name:    "until power-off: clean power off",
			timeout: 3 * time.Second, watch: profile.Watch{UntilPowerOff: true},
			script:  "say 'm1'; say 'm2'; sleep 1; exit 0",
			markers: []string{"m1", "m2"},
		},
		{
			name:    "until power-off: no power off",
			timeout: 2 * time.Second, watch: profile.Watch{UntilPowerOff: true},
			script:  "say 'm1'; say 'm2'; exec sleep 600",
			wantErr: "the guest did not power off within 2s",
		},
	}
	// The last marker around the deadline, where a second stop() used to
	// block forever: Check may pass or time out, but must return.
	for rep := range 2 {
		for _, off := range []time.Duration{-100, -30, 0, 30, 100} {
			tests = append(tests, checkCase{
				name:    fmt.Sprintf("last marker at deadline%+dms #%d", off, rep),
				timeout: time.Second, watch: profile.Watch{Window: 300 * time.Millisecond},
				script:  fmt.Sprintf("say 'm1'; sleep %.3f; say 'm2'; exec sleep 600", (time.Second + off*time.Millisecond).Seconds()),
				wantErr: `|timed out after 1s waiting for "m2"`,
			})
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { runCheck(t, tt) })
	}
}

// runCheck runs Check with tt's stand-in QEMU and asserts its outcome, its
// return in bounded time, and that no stand-in is left running.
func runCheck(t *testing.T, tt checkCase) {
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir()) // a lock of its own, not the real VMs'
	dir := t.TempDir()
	bin := filepath.Join(dir, "qemu")
	if err := os.WriteFile(bin, []byte(standIn+tt.script+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	pidFile := filepath.Join(dir, "pid")
	t.Setenv("MANX_TEST_PIDFILE", pidFile)
	p := profile.Profile{
		ID: "test,standin", Machine: profile.MachineQ35, Boot: profile.BootKernel, Display: profile.DisplayNone,
		Expect: []string{"m1", "m2"}, Refuse: []string{"Linux version"}, Timeout: tt.timeout, Watch: tt.watch,
	}
	o := Options{LogDir: filepath.Join(dir, "logs"), Log: testutil.Logger(t), QEMU: bin}

	watch := p.Watch.Duration()
	if p.Watch.UntilPowerOff {
		watch = 0
	}
	bound := tt.timeout + watch + hangBound
	type result struct {
		res Result
		err error
	}
	returned := make(chan result, 1)
	began := time.Now()
	go func() {
		res, err := Check(context.Background(), p, qemu.Inputs{Kernel: filepath.Join(dir, "bzImage")}, o)
		returned <- result{res, err}
	}()
	var res Result
	var err error
	select {
	case r := <-returned:
		res, err = r.res, r.err
	case <-time.After(bound):
		t.Fatalf("Check has not returned after timeout %s + watch %s + %s: it hangs", tt.timeout, watch, hangBound)
	}
	took := time.Since(began)
	if !errMatches(err, tt.wantErr) {
		t.Errorf("Check() error = %v, want %q", err, tt.wantErr)
	}
	if err == nil && tt.markers != nil {
		var got []string
		for _, m := range res.Markers {
			got = append(got, m.Marker)
		}
		if diff := cmp.Diff(tt.markers, got); diff != "" {
			t.Errorf("markers (-want +got):\n%s", diff)
		}
	}
	if _, err := os.Stat(res.SerialLog); err != nil {
		t.Errorf("serial log not kept: %v", err)
	}
	assertGone(t, pidFile)
	t.Logf("took %s, error: %v", took.Round(time.Millisecond), err)
}

// errMatches reports whether err fits want: "" is no error; otherwise one
// of want's "|"-separated alternatives is in the message ("" among them
// allows no error).
func errMatches(err error, want string) bool {
	for _, w := range strings.Split(want, "|") {
		if w == "" && err == nil || w != "" && err != nil && strings.Contains(err.Error(), w) {
			return true
		}
	}
	return false
}

// assertGone fails t if the stand-in QEMU whose PID is in pidFile still runs.
func assertGone(t *testing.T, pidFile string) {
	t.Helper()
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Errorf("stand-in QEMU did not start: %v", err)
		return
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		syscall.Kill(pid, syscall.SIGKILL)
		t.Errorf("stand-in QEMU (PID %d) still runs after Check returned (kill(0) = %v)", pid, err)
	}
}

// TestCheckCancel: cancelling the context stops QEMU and returns at once.
func TestCheckCancel(t *testing.T) {
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	dir := t.TempDir()
	bin := filepath.Join(dir, "qemu")
	if err := os.WriteFile(bin, []byte(standIn+"exec sleep 600\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	pidFile := filepath.Join(dir, "pid")
	t.Setenv("MANX_TEST_PIDFILE", pidFile)
	p := profile.Profile{
		ID: "test,cancel", Machine: profile.MachineQ35, Boot: profile.BootKernel, Display: profile.DisplayNone,
		Expect: []string{"m1"}, Timeout: time.Minute,
	}
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	began := time.Now()
	_, err := Check(ctx, p, qemu.Inputs{Kernel: "bzImage"}, Options{LogDir: dir, Log: testutil.Logger(t), QEMU: bin})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Check() error = %v, want the context's", err)
	}
	if took := time.Since(began); took > hangBound {
		t.Errorf("Check took %s after its context ended", took)
	}
	assertGone(t, pidFile)
}
