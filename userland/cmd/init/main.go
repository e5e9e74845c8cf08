// Command init is Manx's PID 1. It mounts the kernel file systems, prints a
// banner, the kernel's lockdown state ("manx: lockdown: ...") and the marker line "manx: userland ready" on the console, draws
// Manx's cat on /dev/fb0 if there is one ("manx: cat on screen"), then
// either powers off (kernel command line manx.test=poweroff), runs one shell
// command and powers off (manx.test=shell, command in manx.cmd), or runs a
// shell on each console named by console= and restarts it when it exits.
//
// With manx.stboot=1 (the stboot initramfs), init first runs /bin/stboot,
// which fetches, verifies and kexecs a signed OS package, and on failure
// reboots or powers off; if stboot exits all the same, init says so and
// powers off: no shell (see stboot.go).
//
// With a TPM (/dev/tpmrm0), init extends the boot phases "enter-initrd"
// (at once) and "ready" (before the ready marker) into PCR 11 as
// systemd-pcrphase does, then prints the PCRs named by manx.tpm.pcrs=4,7,11
// ("tpm: pcr11 sha256 <hex>") and, with manx.tpm.eventlog=1, the firmware
// event log in base64 (see tpm.go).
//
// Other kernel command line parameters: manx.hold=SECONDS (default 2, at
// most 60) is how long the picture stays up before power-off. With the cat on
// screen, virtual terminals get no shell: the picture stays.
//
// init never exits and never panics on purpose: errors go to the console
// prefixed "manx: ", and if the power-off fails it waits forever, since the
// kernel panics when PID 1 exits.
package main

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// version is set at build time with -ldflags "-X main.version=…" (from git).
var version = "dev"

// Marker lines the host-side boot checks wait for. Do not change them
// without changing the checks.
const (
	markerReady = "manx: userland ready"
	markerCat   = "manx: cat on screen"
	markerShell = "manx: shell"
)

// console writes "manx: "-prefixed lines to init's standard output, which
// the kernel connected to /dev/console.
type console struct{ w io.Writer }

func (c console) printf(format string, args ...any) {
	fmt.Fprintf(c.w, "manx: "+format+"\n", args...)
}

func (c console) line(s string) { fmt.Fprintln(c.w, s) }

func main() {
	con := console{os.Stdout}
	defer func() {
		if r := recover(); r != nil {
			con.printf("init panicked: %v\n%s", r, debug.Stack())
			hang(con)
		}
	}()
	run(con)
	hang(con)
}

func run(con console) {
	for _, err := range mountAll(sysMounter{}) {
		con.printf("%v", err)
	}
	con.printf("Manx %s, Linux %s", version, kernelRelease())
	showLockdown(con)
	t := bootTPM(con)
	unsealTPM(con, t)

	cl := parseCmdline("")
	if b, err := os.ReadFile("/proc/cmdline"); err != nil {
		con.printf("reading kernel command line: %v", err)
	} else {
		cl = parseCmdline(string(b))
	}
	params := cl.params
	hold, err := holdTime(params)
	if err != nil {
		con.printf("%v; using %v", err, hold)
	}
	readyTPM(con, t, params)
	con.line(markerReady)
	blessBoot(con, sysBlesser)
	reportFailedUpdates(con, sysBlesser)

	drawn := showCat(con)
	r := newReaper(con)
	runUpdateHook(con, r)
	if runStboot(con, r, params) {
		// Fail closed: a network boot that booted nothing never leaves a
		// prompt behind.
		powerOff(con)
		return
	}

	switch mode := params["manx.test"]; mode {
	case "poweroff":
		if drawn {
			// The host takes its screendump after it reads the marker; a
			// deferred-I/O framebuffer (DRM fbdev emulation) also flushes
			// on a worker, not at write time. Keep the picture up for that.
			time.Sleep(hold)
		}
		powerOff(con)
	case "shell":
		con.line(markerShell)
		cmd := params["manx.cmd"]
		if cmd == "" {
			cmd = "echo manx: shell works"
		}
		status, err := runOnce(r, []string{shellPath, "-c", cmd})
		if err != nil {
			con.printf("shell: %v", err)
		} else {
			con.printf("shell exit status %d", status.ExitStatus())
		}
		powerOff(con)
	default:
		if mode != "" {
			con.printf("unknown manx.test=%q (want poweroff or shell); starting shells", mode)
		}
		shells(con, r, cl.terminals(), drawn)
	}
}

// kernelRelease returns uname -r.
func kernelRelease() string {
	var u unix.Utsname
	if err := unix.Uname(&u); err != nil {
		return "unknown (" + err.Error() + ")"
	}
	return unix.ByteSliceToString(u.Release[:])
}

// hang keeps PID 1 alive forever.
func hang(con console) {
	con.printf("halted")
	for {
		time.Sleep(time.Hour)
	}
}

// powerOff syncs file systems and powers the machine off.
func powerOff(con console) {
	con.printf("powering off")
	unix.Sync()
	if err := unix.Reboot(unix.LINUX_REBOOT_CMD_POWER_OFF); err != nil {
		con.printf("power off: %v", err)
	}
}

// holdTime reads manx.hold (seconds, 0..60, default 2).
func holdTime(params map[string]string) (time.Duration, error) {
	const def = 2 * time.Second
	s, ok := params["manx.hold"]
	if !ok {
		return def, nil
	}
	var n int
	if _, err := fmt.Sscanf(s, "%d", &n); err != nil || n < 0 || n > 60 || strings.TrimSpace(s) != fmt.Sprint(n) {
		return def, fmt.Errorf("manx.hold=%q: want whole seconds 0..60", s)
	}
	return time.Duration(n) * time.Second, nil
}
