package stboot

import (
	"bytes"
	"errors"
	"testing"
	"time"
)

type fakeMachine struct{ did []string }

func (m *fakeMachine) Reboot() error {
	m.did = append(m.did, "reboot")
	return errors.New("still here")
}
func (m *fakeMachine) PowerOff() error {
	m.did = append(m.did, "poweroff")
	return errors.New("still here")
}

func TestFailureDo(t *testing.T) {
	tests := []struct {
		f        Failure
		wantLine string
		wantDid  string
	}{
		{Failure{OnFailureReboot, 5 * time.Second}, "stboot: reboot in 5s (on_failure)\n", "reboot"},
		{Failure{OnFailurePowerOff, 0}, "stboot: poweroff in 0s (on_failure)\n", "poweroff"},
		{Failure{"", time.Second}, "stboot:  in 1s (on_failure)\n", "reboot"}, // never a prompt, whatever the action
	}
	for _, tt := range tests {
		var out bytes.Buffer
		m := &fakeMachine{}
		var slept time.Duration
		err := tt.f.Do(&out, m, func(d time.Duration) { slept = d })
		if err == nil {
			t.Errorf("%+v: Do() = nil, want the machine's error", tt.f)
		}
		if out.String() != tt.wantLine || slept != tt.f.Delay || len(m.did) != 1 || m.did[0] != tt.wantDid {
			t.Errorf("%+v: printed %q, slept %v, did %v; want %q, %v, [%s]", tt.f, out.String(), slept, m.did, tt.wantLine, tt.f.Delay, tt.wantDid)
		}
	}
}

// TestRunFailureCarriesHostConfig: a failed Run says what host.json wants
// done next; a host.json that cannot be read gets the default (reboot).
func TestRunFailureCarriesHostConfig(t *testing.T) {
	var out bytes.Buffer
	err := Run(t.Context(), Options{ConfigPath: "/nonexistent/host.json", Console: &out, Network: nil, Kexec: nil})
	var se *Error
	if !errors.As(err, &se) || se.Then != (Failure{OnFailureReboot, 5 * time.Second}) {
		t.Errorf("Run(no options) = %#v, want an *Error whose Then is the default reboot", err)
	}
}
