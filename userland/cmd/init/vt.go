package main

import (
	"os"

	"golang.org/x/sys/unix"
)

// VT display modes for KDSETMODE (<linux/kd.h>). In graphics mode fbcon
// stops drawing text and the cursor on the framebuffer.
const (
	kdSetMode  = 0x4B3A
	kdText     = 0x00
	kdGraphics = 0x01
)

// vtDevice is the foreground virtual terminal.
const vtDevice = "/dev/tty0"

// setVTMode sets the foreground VT's display mode. Without CONFIG_VT there
// is no /dev/tty0 and nothing draws text on the framebuffer: not an error.
func setVTMode(mode int) error {
	f, err := os.OpenFile(vtDevice, os.O_RDWR|unix.O_NOCTTY, 0)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	sc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var ioErr error
	if err := sc.Control(func(fd uintptr) { ioErr = unix.IoctlSetInt(int(fd), kdSetMode, mode) }); err != nil {
		return err
	}
	return ioErr
}
