package swtpm

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-tpm/tpm2"
	"github.com/google/go-tpm/tpm2/transport"
)

// template is one manufactured state, copied into each test's directory
// (swtpm_setup takes most of a second).
var template = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "swtpm-template-")
	if err != nil {
		return "", err
	}
	return dir, Setup(context.Background(), dir)
})

func TestMain(m *testing.M) {
	code := m.Run()
	if dir, err := template(); err == nil {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}

// stateDir returns a fresh copy of the manufactured state.
func stateDir(t *testing.T) string {
	t.Helper()
	src, err := template()
	if err != nil {
		t.Fatalf("Setup: %v", err)
	}
	b, err := os.ReadFile(filepath.Join(src, StateFile))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, StateFile), b, 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// assertGone fails unless process pid (if not 0) has been reaped and no swtpm
// process mentions dir on its command line.
func assertGone(t *testing.T, pid int, dir string) {
	t.Helper()
	if _, err := os.Stat("/proc/" + strconv.Itoa(pid)); pid > 0 && !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("swtpm pid %d still exists after stop (stat: %v)", pid, err)
	}
	for _, p := range running(dir) {
		t.Errorf("swtpm left running: %s", p)
	}
}

// running lists the live swtpm processes whose command line mentions dir
// (zombies have none).
func running(dir string) []string {
	var out []string
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		if bytes.HasPrefix(b, []byte("swtpm\x00")) && bytes.Contains(b, []byte(dir)) {
			out = append(out, p+": "+string(bytes.ReplaceAll(b, []byte{0}, []byte{' '})))
		}
	}
	return out
}

func TestSetup(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	if err := Setup(t.Context(), dir); err != nil {
		t.Fatalf("Setup() = %v", err)
	}
	first, err := os.ReadFile(filepath.Join(dir, StateFile))
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o700 {
		t.Errorf("state directory mode %v, want 0700", fi.Mode().Perm())
	}
	// Idempotent: the existing state (its seeds) stays.
	if err := Setup(t.Context(), dir); err != nil {
		t.Fatalf("Setup() again = %v", err)
	}
	again, err := os.ReadFile(filepath.Join(dir, StateFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, again) {
		t.Errorf("Setup() on an existing state rewrote %s", StateFile)
	}
}

// TestStart: the TPM answers through TPM(), is started up, has only the
// SHA-256 bank, and through Device() tpm2-tools reach it; Stop leaves no
// process and no socket.
func TestStart(t *testing.T) {
	state := stateDir(t)
	p, err := Start(t.Context(), state, t.TempDir())
	if err != nil {
		t.Fatalf("Start() = %v", err)
	}
	defer p.Stop()
	if fi, err := os.Stat(p.Socket() + ".ctrl"); err != nil || fi.Mode()&fs.ModeSocket == 0 {
		t.Errorf("control socket %s.ctrl: %v", p.Socket(), err)
	}

	// Another client first (TPM() has not connected yet).
	out, err := exec.Command("tpm2_pcrread", "-T", p.Device(), "sha256:11").CombinedOutput()
	if err != nil {
		t.Fatalf("tpm2_pcrread -T %s: %v\n%s", p.Device(), err, out)
	}
	if !strings.Contains(string(out), "11: 0x0000000000000000000000000000000000000000000000000000000000000000") {
		t.Errorf("tpm2_pcrread = %s, want PCR 11 zero", out)
	}

	tpm := p.TPM()
	caps, err := tpm2.GetCapability{Capability: tpm2.TPMCapPCRs, PropertyCount: 8}.Execute(tpm)
	if err != nil {
		t.Fatalf("GetCapability(PCRs) = %v", err)
	}
	sel, err := caps.CapabilityData.Data.AssignedPCR()
	if err != nil {
		t.Fatal(err)
	}
	var active []tpm2.TPMIAlgHash
	for _, s := range sel.PCRSelections {
		if bytes.ContainsFunc(s.PCRSelect, func(r rune) bool { return r != 0 }) {
			active = append(active, s.Hash)
		}
	}
	if len(active) != 1 || active[0] != tpm2.TPMAlgSHA256 {
		t.Errorf("active PCR banks = %v, want only SHA-256 (%v)", active, tpm2.TPMAlgSHA256)
	}
	// Large responses arrive whole.
	if _, err := (tpm2.GetRandom{BytesRequested: 48}).Execute(tpm); err != nil {
		t.Errorf("GetRandom = %v", err)
	}

	pid := p.Pid()
	if err := p.Stop(); err != nil {
		t.Errorf("Stop() = %v", err)
	}
	if err := p.Stop(); err != nil {
		t.Errorf("Stop() again = %v", err)
	}
	assertGone(t, pid, state)
	for _, s := range []string{p.Socket(), p.Socket() + ".ctrl"} {
		if _, err := os.Stat(s); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("socket %s left after Stop (stat: %v)", s, err)
		}
	}
	if _, err := (tpm2.GetRandom{BytesRequested: 8}).Execute(tpm); err == nil {
		t.Errorf("TPM() after Stop works, want an error")
	}
}

// TestStartContext: a cancelled context ends swtpm.
func TestStartContext(t *testing.T) {
	state := stateDir(t)
	ctx, cancel := context.WithCancel(t.Context())
	p, err := Start(ctx, state, t.TempDir())
	if err != nil {
		t.Fatalf("Start() = %v", err)
	}
	pid := p.Pid()
	cancel()
	select {
	case <-p.done:
	case <-time.After(stopGrace + time.Second):
		t.Fatal("swtpm still running after its context was cancelled")
	}
	if err := p.Stop(); err != nil {
		t.Errorf("Stop() after cancel = %v", err)
	}
	assertGone(t, pid, state)
}

func TestStartErrors(t *testing.T) {
	t.Run("no state", func(t *testing.T) {
		_, err := Start(t.Context(), t.TempDir(), t.TempDir())
		if err == nil || !strings.Contains(err.Error(), "run Setup first") {
			t.Errorf("Start(empty state dir) = %v, want an error saying to run Setup", err)
		}
	})
	t.Run("long socket path", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), strings.Repeat("d", 100))
		_, err := Start(t.Context(), stateDir(t), dir)
		if err == nil || !strings.Contains(err.Error(), "longer than 107 bytes") {
			t.Errorf("Start(long path) = %v, want a path length error", err)
		}
	})
	t.Run("state in use", func(t *testing.T) {
		state := stateDir(t)
		p, err := Start(t.Context(), state, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		defer p.Stop()
		_, err = Start(t.Context(), state, t.TempDir())
		want := "is in use by another swtpm (pid " + strconv.Itoa(p.Pid()) + ")"
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Start(state in use) = %v, want an error containing %q", err, want)
		}
		_, _, err = StartForQEMU(t.Context(), state, t.TempDir())
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("StartForQEMU(state in use) = %v, want an error containing %q", err, want)
		}
		pid := p.Pid()
		p.Stop()
		assertGone(t, pid, state)
	})
}

// TestStartForQEMU does what QEMU's tpm-emulator backend does: connect to
// the control socket, hand over one end of a socket pair (CMD_SET_DATAFD),
// CMD_INIT, then TPM2_Startup and commands on the other end; swtpm exits
// when the client leaves (--terminate).
func TestStartForQEMU(t *testing.T) {
	state := stateDir(t)
	ctrl, stop, err := StartForQEMU(t.Context(), state, t.TempDir())
	if err != nil {
		t.Fatalf("StartForQEMU() = %v", err)
	}
	defer stop()

	c, err := net.Dial("unix", ctrl)
	if err != nil {
		t.Fatal(err)
	}
	uc := c.(*net.UnixConn)
	fds, err := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	ours := os.NewFile(uintptr(fds[0]), "tpm-data")
	theirs := os.NewFile(uintptr(fds[1]), "tpm-data-swtpm")
	const cmdInit, cmdSetDataFD = 0x02, 0x10 // swtpm's tpm_ioctl.h
	if _, _, err := uc.WriteMsgUnix(binary.BigEndian.AppendUint32(nil, cmdSetDataFD), syscall.UnixRights(int(theirs.Fd())), nil); err != nil {
		t.Fatal(err)
	}
	theirs.Close()
	ctrlResult(t, uc, "CMD_SET_DATAFD")
	if _, err := uc.Write(binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(nil, cmdInit), 0)); err != nil {
		t.Fatal(err)
	}
	ctrlResult(t, uc, "CMD_INIT")

	dc, err := net.FileConn(ours)
	if err != nil {
		t.Fatal(err)
	}
	ours.Close()
	var tpm transport.TPM = newConn(dc)
	if _, err := (tpm2.Startup{StartupType: tpm2.TPMSUClear}).Execute(tpm); err != nil {
		t.Fatalf("TPM2_Startup = %v", err)
	}
	if _, err := (tpm2.GetRandom{BytesRequested: 16}).Execute(tpm); err != nil {
		t.Fatalf("GetRandom = %v", err)
	}

	// QEMU quits: swtpm follows (--terminate); stop then only reaps.
	dc.Close()
	uc.Close()
	deadline := time.Now().Add(5 * time.Second)
	for len(running(state)) > 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if len(running(state)) > 0 {
		t.Errorf("swtpm still running 5 s after its client left")
	}
	if err := stop(); err != nil {
		t.Errorf("stop() = %v", err)
	}
	if _, err := os.Stat(ctrl); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("control socket left after stop (stat: %v)", err)
	}
	assertGone(t, 0, state)
}

// TestStartForQEMUStop: stop ends a swtpm nobody connected to.
func TestStartForQEMUStop(t *testing.T) {
	state := stateDir(t)
	_, stop, err := StartForQEMU(t.Context(), state, t.TempDir())
	if err != nil {
		t.Fatalf("StartForQEMU() = %v", err)
	}
	if err := stop(); err != nil {
		t.Errorf("stop() = %v", err)
	}
	assertGone(t, 0, state)
}

// ctrlResult reads a control command's 4-byte result and wants 0.
func ctrlResult(t *testing.T, c net.Conn, what string) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	var res [4]byte
	if _, err := c.Read(res[:]); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if r := binary.BigEndian.Uint32(res[:]); r != 0 {
		t.Fatalf("%s: result %#x", what, r)
	}
}
