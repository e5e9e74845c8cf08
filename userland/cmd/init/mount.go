package main

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// mountPoint is one file system init mounts.
type mountPoint struct {
	source, target, fstype string
	flags                  uintptr
	data                   string
	// optional mounts are skipped quietly when the kernel lacks the file
	// system or the mount point's parent does not exist.
	optional bool
}

// mounts are mounted in order: /dev before /dev/pts, /sys before the file
// systems under it.
var mounts = []mountPoint{
	{"proc", "/proc", "proc", unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC, "", false},
	{"sysfs", "/sys", "sysfs", unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC, "", false},
	{"devtmpfs", "/dev", "devtmpfs", unix.MS_NOSUID, "mode=0755", false},
	{"tmpfs", "/tmp", "tmpfs", unix.MS_NOSUID | unix.MS_NODEV, "mode=1777", false},
	{"tmpfs", "/run", "tmpfs", unix.MS_NOSUID | unix.MS_NODEV, "mode=0755", false},
	{"devpts", "/dev/pts", "devpts", unix.MS_NOSUID | unix.MS_NOEXEC, "mode=0620,ptmxmode=0666", true},
	// The TPM event log (attestation) lives under securityfs.
	{"securityfs", "/sys/kernel/security", "securityfs", unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC, "", true},
	{"efivarfs", "/sys/firmware/efi/efivars", "efivarfs", unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC | unix.MS_RDONLY, "", true},
}

// mounter is the system interface mountAll needs.
type mounter interface {
	mkdirAll(path string) error
	exists(path string) bool
	mount(source, target, fstype string, flags uintptr, data string) error
}

// mountAll mounts every entry of mounts and returns one error per failure.
// A target that is already mounted (EBUSY) counts as mounted.
func mountAll(m mounter) []error {
	var errs []error
	for _, mp := range mounts {
		if mp.optional && !m.exists(mp.target) {
			// /sys/kernel/security and /sys/firmware/efi/efivars exist only
			// when the kernel supports them; /dev/pts is created here.
			if mp.target != "/dev/pts" {
				continue
			}
		}
		if err := m.mkdirAll(mp.target); err != nil {
			errs = append(errs, fmt.Errorf("creating %s: %w", mp.target, err))
			continue
		}
		err := m.mount(mp.source, mp.target, mp.fstype, mp.flags, mp.data)
		switch {
		case err == nil, errors.Is(err, unix.EBUSY):
		case mp.optional && errors.Is(err, unix.ENODEV):
		default:
			errs = append(errs, fmt.Errorf("mounting %s on %s: %w", mp.fstype, mp.target, err))
		}
	}
	return errs
}

// sysMounter is the real system.
type sysMounter struct{}

func (sysMounter) mkdirAll(path string) error { return os.MkdirAll(path, 0o755) }

func (sysMounter) exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func (sysMounter) mount(source, target, fstype string, flags uintptr, data string) error {
	return unix.Mount(source, target, fstype, flags, data)
}
