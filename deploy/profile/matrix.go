package profile

import "time"

// Exact serial markers.
const (
	MarkerNoRoot       = "Kernel panic - not syncing: VFS: Unable to mount root fs"
	MarkerUserland     = "manx: userland ready"
	MarkerCat          = "manx: cat on screen"
	MarkerPowerOff     = "reboot: Power down"
	MarkerSecureBoot   = "Secure boot enabled"
	MarkerAccessDenied = "Access Denied"
)

// Kernel command lines. ttyS0 comes last so /dev/console (the userland's
// output) is the serial port; tty0 still shows kernel messages on screen.
const (
	appendSerial  = "console=ttyS0 panic=-1"
	appendDisplay = "console=tty0 console=ttyS0 panic=-1 vt.global_cursor_default=0"
)

// All returns the profile matrix, in a fixed order.
func All() []Profile {
	return []Profile{
		{
			ID: "kernel", Summary: "bare kernel on SeaBIOS with std VGA: no root fs, the kernel panics",
			Machine: MachineQ35, Boot: BootKernel, Display: DisplayStd, Append: appendDisplay,
			Expect: []string{MarkerNoRoot}, Timeout: 90 * time.Second,
		},
		{
			ID: "kernel,serialonly", Summary: "bare kernel, serial console only: no root fs, the kernel panics",
			Machine: MachineQ35, Boot: BootKernel, Display: DisplayNone, Append: appendSerial,
			Expect: []string{MarkerNoRoot}, Timeout: 90 * time.Second,
		},
		{
			ID: "kernel,initramfs", Summary: "kernel + Go userland on SeaBIOS with std VGA: Manx's cat on screen",
			Machine: MachineQ35, Boot: BootKernel, Initramfs: true, Display: DisplayStd, Append: appendDisplay,
			Expect: []string{MarkerUserland, MarkerCat}, Refuse: []string{"Kernel panic"}, Screen: true, Timeout: 120 * time.Second,
		},
		{
			ID: "microvm,kernel,initramfs,serialonly", Summary: "microvm (qboot, virtio-mmio) + Go userland, powers off by itself",
			Machine: MachineMicrovm, Boot: BootKernel, Initramfs: true, Display: DisplayNone, Append: appendSerial + " manx.test=poweroff",
			Expect: []string{MarkerUserland, MarkerPowerOff}, Refuse: []string{"Kernel panic"}, Timeout: 120 * time.Second,
		},
	}
}
