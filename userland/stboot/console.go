package stboot

import (
	"fmt"
	"io"
	"strings"
	"sync"
)

// Marker lines the host-side boot checks wait for, each printed alone on
// its line. Do not change them without changing the checks.
const (
	MarkerFetched  = "stboot: fetched"  // descriptor and zip downloaded
	MarkerVerified = "stboot: verified" // signatures, threshold and manifest OK
	MarkerKexec    = "stboot: kexec"    // printed right before the kexec reboot
	failPrefix     = "stboot: FAIL "    // + step + ": " + reason, one line
)

// Steps named in failure lines ("stboot: FAIL <step>: <reason>").
const (
	StepConfig     = "config"     // reading host.json or the trust root
	StepNetwork    = "network"    // bringing up the interface
	StepFetch      = "fetch"      // downloading the descriptor or the zip
	StepDescriptor = "descriptor" // parsing the descriptor, resolving os_pkg_url
	StepVerify     = "verify"     // ospkg.Verify (signatures, expiry, digest, manifest)
	StepRollback   = "rollback"   // the package's pkg_version is below the highest booted, or the version store failed
	StepExtract    = "extract"    // writing kernel and initramfs to tmpfs
	StepLoad       = "load"       // kexec_file_load
	StepKexec      = "kexec"      // the kexec reboot
)

// console writes stboot's lines; safe for concurrent use (retry lines come
// from the HTTP client).
type console struct {
	mu sync.Mutex
	w  io.Writer
}

func (c *console) line(s string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintln(c.w, s)
}

func (c *console) printf(format string, args ...any) {
	c.line("stboot: " + fmt.Sprintf(format, args...))
}

// fail prints the failure line; a multi-line reason (joined errors) is
// folded onto one line so the line stays greppable.
func (c *console) fail(step string, err error) {
	reason := strings.Join(strings.Fields(strings.ReplaceAll(err.Error(), "\n", "; ")), " ")
	c.line(failPrefix + step + ": " + reason)
}

// Error is what Run returns on failure: the step and its cause.
type Error struct {
	Step string
	Err  error
	// Then is what the host configuration says to do now (its on_failure
	// and failure_delay; the defaults when the configuration itself could
	// not be read).
	Then Failure
}

func (e *Error) Error() string { return "stboot: " + e.Step + ": " + e.Err.Error() }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }
