package run

import (
	"context"
	"fmt"
	"os"
	"os/exec"

	"manx/deploy/profile"
	"manx/deploy/qemu"
)

// Interactive boots p for a person: the serial console on this terminal
// (Ctrl-A X quits QEMU), and a window when the profile has a display and
// the session has one.
func Interactive(ctx context.Context, p profile.Profile, in qemu.Inputs, o Options) error {
	dir, err := os.MkdirTemp("", "manx-vm-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if o.Prepare != nil {
		if err := o.Prepare(dir, &in); err != nil {
			return fmt.Errorf("profile %s: preparing the VM: %w", p.ID, err)
		}
	}
	stopTPM, err := startTPM(p, o, dir, &in)
	if err != nil {
		return err
	}
	defer stopTPM()
	stopServing, err := serve(p, o)
	if err != nil {
		return err
	}
	defer stopServing()
	window := os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != ""
	args, err := qemu.Args(p, in, qemu.Runtime{Accel: o.Accel, Serial: "mon:stdio", Window: window, TSCkHz: HostTSCkHz()})
	if err != nil {
		return err
	}
	o.Log.Info("Booting", "profile", p.ID, "accel", o.Accel, "quit", "Ctrl-A X")
	os.Stderr.WriteString(qemu.Render(args))
	cmd := exec.CommandContext(ctx, or(o.QEMU, qemu.Binary), args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("profile %s: QEMU: %w", p.ID, err)
	}
	return nil
}
