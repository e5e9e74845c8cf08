package stboot

import "os"

// Kexec loads and starts the verified kernel. The real implementation
// (SyscallKexec) uses kexec_file_load(2), so under Secure Boot with lockdown
// the kernel accepts only an image whose first Authenticode signature
// chains to a key in its platform (db) or builtin keyring.
type Kexec interface {
	// Load loads kernel with initramfs (nil: none) and cmdline.
	Load(kernel, initramfs *os.File, cmdline string) error
	// Exec reboots into the loaded kernel. On a real system it returns
	// only on failure.
	Exec() error
}
