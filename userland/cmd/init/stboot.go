package main

import (
	"fmt"
	"time"

	"golang.org/x/sys/unix"
)

// stbootPath is the network boot loader in the stboot initramfs
// (manx/userland/cmd/stboot, binary mode).
const stbootPath = "/bin/stboot"

// stbootLimit bounds how long init waits for stboot. stboot enforces its
// own total deadline (host.json "deadline", 5 minutes at most by default)
// and on success never returns (the kexec reboot replaces the kernel);
// this is only the backstop that keeps init from waiting forever.
const stbootLimit = 15 * time.Minute

// stbootWanted reads manx.stboot: "1" runs stboot, absent or "0" does not;
// anything else is reported and not run.
func stbootWanted(params map[string]string) (bool, string) {
	v, ok := params["manx.stboot"]
	switch {
	case !ok || v == "0":
		return false, ""
	case v == "1":
		return true, ""
	}
	return false, fmt.Sprintf("unknown manx.stboot=%q (want 1); not running stboot", v)
}

// runStboot runs stboot on init's console when the command line asks for
// it, and reports whether it did. stboot prints its own markers and, on
// failure, "stboot: FAIL <step>: <reason>", then reboots or powers off
// itself (host.json's on_failure). If it exits all the same (nothing was
// kexec'd), init reports how; the caller then fails closed: it powers off
// instead of starting shells (the stboot initramfs has none anyway).
func runStboot(con console, r *reaper, params map[string]string) bool {
	want, problem := stbootWanted(params)
	if problem != "" {
		con.printf("%s", problem)
	}
	if !want {
		return false
	}
	pid, err := start([]string{stbootPath}, "")
	if err != nil {
		con.printf("stboot: starting %s: %v; no OS package booted", stbootPath, err)
		return true
	}
	select {
	case ws := <-r.wait(pid):
		con.printf("stboot exited (%s): no OS package booted", describe(ws))
	case <-time.After(stbootLimit):
		unix.Kill(pid, unix.SIGKILL)
		con.printf("stboot still running after %v: killed; no OS package booted", stbootLimit)
	}
	return true
}
