package stboot

import (
	"os"

	"github.com/u-root/u-root/pkg/boot/kexec"
)

// SyscallKexec is the real Kexec: kexec_file_load(2) and
// reboot(LINUX_REBOOT_CMD_KEXEC), through u-root's pkg/boot/kexec.
type SyscallKexec struct{}

// Load implements Kexec with kexec_file_load(2) (KEXEC_FILE_NO_INITRAMFS
// when initramfs is nil).
func (SyscallKexec) Load(kernel, initramfs *os.File, cmdline string) error {
	return kexec.FileLoad(kernel, initramfs, cmdline)
}

// Exec implements Kexec.
func (SyscallKexec) Exec() error { return kexec.Reboot() }
