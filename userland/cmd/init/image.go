package main

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"manx/image/bootcount"
)

// Image-based OS files and hooks.
const (
	// imageVersionFile holds the running image's version (an image root
	// only; the initramfs has none).
	imageVersionFile = "/etc/manx/image-version"
	// fwCfgUpdateURL is the QEMU fw_cfg item that asks init to run
	// `manx update <URL>` once the system is up (how the update profiles
	// start an update; fw_cfg is not measured and changes nothing the
	// updater verifies).
	fwCfgUpdateURL = "/sys/firmware/qemu_fw_cfg/by_name/opt/manx/update-url/raw"
	manxPath       = "/bin/manx"
	// markerUpdateFailed starts the line init prints for an update whose
	// entry ran out of tries (systemd-boot then booted this one).
	markerUpdateFailed = "previous update failed"
)

// imageVersion is the running image's version, or 0 outside an image.
func imageVersion() uint64 {
	b, err := os.ReadFile(imageVersionFile)
	if err != nil {
		return 0
	}
	v, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		return 0
	}
	return v
}

// failedUpdates lists the entries in the ESP's EFI/Linux (espDir) of
// versions newer than running whose tries are used up: updates that never
// got blessed, after which systemd-boot fell back to this entry.
func failedUpdates(espDir string, running uint64) ([]string, error) {
	ents, err := os.ReadDir(filepath.Join(espDir, "EFI", "Linux"))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		n, err := bootcount.Parse(e.Name())
		if err != nil || !n.Exhausted() {
			continue
		}
		v, err := strconv.ParseUint(strings.TrimPrefix(n.Base, "manx_"), 10, 64)
		if err != nil || !strings.HasPrefix(n.Base, "manx_") || v <= running {
			continue
		}
		out = append(out, `\EFI\Linux\`+e.Name())
	}
	slices.Sort(out)
	return out, nil
}

// reportFailedUpdates prints markerUpdateFailed for each failed update on
// the ESP of a systemd-boot boot of an image.
func reportFailedUpdates(con console, b blesser) {
	running := imageVersion()
	if running == 0 {
		return
	}
	dev, err := b.espDevice()
	if errors.Is(err, fs.ErrNotExist) {
		return // not booted by systemd-boot
	}
	if err != nil {
		con.printf("checking for failed updates: %v", err)
		return
	}
	unmount, err := b.mount(dev, b.espDir)
	if err != nil {
		con.printf("checking for failed updates: %v", err)
		return
	}
	failed, err := failedUpdates(b.espDir, running)
	if uerr := unmount(); err == nil {
		err = uerr
	}
	if err != nil {
		con.printf("checking for failed updates: %v", err)
		return
	}
	for _, f := range failed {
		con.printf("%s: %s never booted to a blessed state; running version %d", markerUpdateFailed, f, running)
	}
}

// runUpdateHook runs `manx update URL` when the host asked for it through
// fw_cfg (test profiles); manx prints its own outcome and reboots on
// success.
func runUpdateHook(con console, r *reaper) {
	if imageVersion() == 0 {
		return
	}
	u, err := os.ReadFile(fwCfgUpdateURL)
	if err != nil {
		return
	}
	url := strings.TrimSpace(string(u))
	con.printf("update: running manx update %s", url)
	status, err := runOnce(r, []string{manxPath, "update", url})
	if err != nil {
		con.printf("update: %v", err)
		return
	}
	if status.ExitStatus() != 0 {
		con.printf("update: manx exited with status %d", status.ExitStatus())
	}
}
