package stboot

import "golang.org/x/sys/unix"

// SysMachine reboots or powers off with reboot(2), after sync(2).
type SysMachine struct{}

// Reboot implements Machine.
func (SysMachine) Reboot() error {
	unix.Sync()
	return unix.Reboot(unix.LINUX_REBOOT_CMD_RESTART)
}

// PowerOff implements Machine.
func (SysMachine) PowerOff() error {
	unix.Sync()
	return unix.Reboot(unix.LINUX_REBOOT_CMD_POWER_OFF)
}
