package main

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"manx/image/bootcount"
	"manx/image/disk"
	"manx/image/install"
	"manx/internal/gpt"
)

// markerBlessed is printed when init marks a counted boot good.
const markerBlessed = "boot marked good"

// The systemd-boot variables init reads (vendor GUID of the Boot Loader
// Interface): the ESP's partition UUID and, for an entry with a boot
// counter, the path systemd-boot renamed it to before booting it.
const (
	varLoaderDevicePartUUID = install.VarLoaderDevicePartUUID
	varLoaderBootCountPath  = install.VarLoaderBootCountPath
	efivarsDir              = install.EFIVars
	espMount                = "/run/manx/esp"
	// verityRootName is the device-mapper name the UKI's dm-mod.create=
	// gives the verity root.
	verityRootName = disk.DMName
)

// blesser is what blessBoot needs from the system (a seam for tests).
type blesser struct {
	efivars   string                                  // efivarfs mount point
	mountInfo string                                  // /proc/self/mountinfo
	findESP   func(partUUID gpt.GUID) (string, error) // the ESP's device node
	mount     func(dev, dir string) (func() error, error)
	espDir    string // where the ESP is mounted
	sysBlock  string // /sys/dev/block: a device-mapper device's dm/name
}

var sysBlesser = blesser{efivars: efivarsDir, mountInfo: "/proc/self/mountinfo", findESP: func(id gpt.GUID) (string, error) { p, _, err := install.FindPartition(id); return p, err }, mount: mountESP, espDir: espMount, sysBlock: "/sys/dev/block"}

// blessBoot marks the running boot good the systemd way: when systemd-boot
// booted an entry with a boot counter (LoaderBootCountPath is set), and
// init's health checks hold (userland ready, and / is the read-only
// dm-verity root), it renames the entry on the ESP to its name without the
// counter, so systemd-boot stops counting it. Otherwise it says why not;
// the counter then runs down and systemd-boot falls back to another entry.
func blessBoot(con console, b blesser) {
	counted, err := install.ReadEFIString(filepath.Join(b.efivars, varLoaderBootCountPath))
	if errors.Is(err, fs.ErrNotExist) {
		return // not a counted boot (no systemd-boot, or a blessed entry)
	}
	if err != nil {
		con.printf("boot not blessed: %v", err)
		return
	}
	if err := b.healthy(); err != nil {
		con.printf("boot not blessed: %v", err)
		return
	}
	to, err := b.bless(counted)
	if err != nil {
		con.printf("boot not blessed: %v", err)
		return
	}
	con.printf("%s: %s", markerBlessed, to)
}

// healthy checks that / is mounted read-only from the device-mapper
// device the UKI's command line opened (named verityRootName).
func (b blesser) healthy() error {
	f, err := os.Open(b.mountInfo)
	if err != nil {
		return err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// id parent major:minor root mountpoint options ... - fstype source superoptions
		fields := strings.Fields(sc.Text())
		if len(fields) < 6 || fields[4] != "/" {
			continue
		}
		sep := -1
		for i, f := range fields {
			if f == "-" {
				sep = i
			}
		}
		if sep < 0 || sep+2 >= len(fields) {
			continue
		}
		dev, opts := fields[2], fields[5]
		name, err := os.ReadFile(filepath.Join(b.sysBlock, dev, "dm", "name"))
		if err != nil || strings.TrimSpace(string(name)) != verityRootName {
			return fmt.Errorf("/ is device %s (%s), not the dm-verity root %s", dev, fields[sep+2], verityRootName)
		}
		if !hasOption(opts, "ro") {
			return fmt.Errorf("/ (%s) is mounted %s, not read-only", verityRootName, opts)
		}
		return nil
	}
	if err := sc.Err(); err != nil {
		return err
	}
	return errors.New("/ is not in " + b.mountInfo)
}

func hasOption(opts, o string) bool {
	for _, x := range strings.Split(opts, ",") {
		if x == o {
			return true
		}
	}
	return false
}

// bless renames the counted entry (an ESP path with backslashes) to its
// blessed name and returns the new path.
func (b blesser) bless(counted string) (string, error) {
	rel := strings.TrimLeft(strings.ReplaceAll(counted, `\`, "/"), "/")
	if rel == "" || strings.Contains(rel, "..") {
		return "", fmt.Errorf("LoaderBootCountPath %q", counted)
	}
	name, err := bootcount.Parse(path.Base(rel))
	if err != nil {
		return "", err
	}
	if !name.Counting {
		return "", fmt.Errorf("LoaderBootCountPath %q has no counter", counted)
	}
	dev, err := b.espDevice()
	if err != nil {
		return "", err
	}
	unmount, err := b.mount(dev, b.espDir)
	if err != nil {
		return "", err
	}
	blessed := path.Join(path.Dir(rel), name.Blessed().String())
	renameErr := os.Rename(filepath.Join(b.espDir, rel), filepath.Join(b.espDir, blessed))
	if err := unmount(); err != nil && renameErr == nil {
		renameErr = err
	}
	if renameErr != nil {
		return "", fmt.Errorf("renaming %s: %w", counted, renameErr)
	}
	return `\` + strings.ReplaceAll(blessed, "/", `\`), nil
}

// mountESP mounts the FAT ESP read-write at dir.
func mountESP(dev, dir string) (func() error, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	if err := unix.Mount(dev, dir, "vfat", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "umask=0077"); err != nil {
		return nil, fmt.Errorf("mounting the ESP %s: %w", dev, err)
	}
	return func() error { return unix.Unmount(dir, 0) }, nil
}

// espDevice is the device node of the ESP systemd-boot booted from; an
// error wrapping fs.ErrNotExist when systemd-boot did not boot this system.
func (b blesser) espDevice() (string, error) {
	uuidStr, err := install.ReadEFIString(filepath.Join(b.efivars, varLoaderDevicePartUUID))
	if err != nil {
		return "", fmt.Errorf("the ESP's partition UUID: %w", err)
	}
	id, err := gpt.ParseGUID(uuidStr)
	if err != nil {
		return "", fmt.Errorf("%s: %w", varLoaderDevicePartUUID, err)
	}
	return b.findESP(id)
}
