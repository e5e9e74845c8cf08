package stboot

import (
	"fmt"
	"io"
	"time"
)

// Failure is what stboot does after a refusal: it never offers a prompt.
// The stboot initramfs holds no shell and no kexec tool, and the machine
// reboots (to try again) or powers off once the refusal has been on the
// console for Delay.
type Failure struct {
	Action string        // OnFailureReboot or OnFailurePowerOff
	Delay  time.Duration // before the action
}

// OnFailureDefault is c's on_failure and failure_delay.
func (c HostConfig) OnFailureDefault() Failure { return c.failure() }

// failure is c's on_failure and failure_delay.
func (c HostConfig) failure() Failure {
	return Failure{Action: c.OnFailure, Delay: time.Duration(c.FailureDelay)}
}

// Announce prints "stboot: reboot in 5s (on_failure)" (or poweroff).
func (f Failure) Announce(w io.Writer) {
	fmt.Fprintf(w, "stboot: %s in %v (on_failure)\n", f.Action, f.Delay)
}

// Machine is what carries out a Failure: on Linux reboot(2) (SysMachine).
type Machine interface {
	Reboot() error
	PowerOff() error
}

// Do announces f on w, waits f.Delay (sleep; nil means time.Sleep) and
// reboots or powers off m. It returns only if that fails.
func (f Failure) Do(w io.Writer, m Machine, sleep func(time.Duration)) error {
	if sleep == nil {
		sleep = time.Sleep
	}
	f.Announce(w)
	sleep(f.Delay)
	switch f.Action {
	case OnFailurePowerOff:
		return m.PowerOff()
	default: // reboot, also for an action no configuration can hold
		return m.Reboot()
	}
}
