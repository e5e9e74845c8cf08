// Command manx is the image-based OS's system tool. `manx update URL`
// fetches an update descriptor (an OS-package descriptor, manx/ospkg) and
// the bundle it signs (manx/image/update), verifies both against the trust
// roots in /etc/manx/update/roots.pem with the running image version as
// the rollback floor (an update must be newer), and only then writes the
// inactive A/B slot, installs the new UKI on the ESP as
// \EFI\Linux\manx_<version>+3.efi (systemd-boot tries it 3 times, and
// falls back to the running entry if it never gets blessed) and reboots.
//
// Every refusal happens before anything is written and prints
// "manx: update refused: <reason>"; success prints
// "manx: update: installed version N in slot X" before the reboot.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"manx/image/bootcount"
	"manx/image/install"
	"manx/image/update"
	"manx/internal/gpt"
	"manx/ospkg"
	"manx/userland/stboot"
)

// Files of the image's root the updater reads.
const (
	rootsPath   = "/etc/manx/update/roots.pem"
	versionPath = "/etc/manx/image-version"
	espDir      = "/run/manx/esp"
	// Tries is the boot counter of a newly installed entry.
	Tries = 3
)

func main() {
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: manx update [-no-reboot] DESCRIPTOR-URL")
	}
	flag.Parse()
	if flag.NArg() < 1 {
		flag.Usage()
		os.Exit(2)
	}
	switch flag.Arg(0) {
	case "update":
		fs := flag.NewFlagSet("update", flag.ExitOnError)
		noReboot := fs.Bool("no-reboot", false, "install, but do not reboot")
		fs.Parse(flag.Args()[1:])
		if fs.NArg() != 1 {
			flag.Usage()
			os.Exit(2)
		}
		if err := runUpdate(context.Background(), fs.Arg(0), !*noReboot); err != nil {
			fmt.Printf("manx: update refused: %v\n", err)
			os.Exit(1)
		}
	default:
		flag.Usage()
		os.Exit(2)
	}
}

// runUpdate is `manx update`.
func runUpdate(ctx context.Context, descURL string, reboot bool) error {
	current, err := readVersion(versionPath)
	if err != nil {
		return err
	}
	rootsPEM, err := os.ReadFile(rootsPath)
	if err != nil {
		return err
	}
	roots, err := ospkg.ParseRoots(rootsPEM)
	if err != nil {
		return fmt.Errorf("%s: %w", rootsPath, err)
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if desc, err := (stboot.NetlinkNetwork{}).Up(ctx, stboot.NetConfig{Interface: "eth0", Mode: "dhcp", DHCPTimeout: stboot.Duration(30 * time.Second)}); err != nil {
		return fmt.Errorf("network: %w", err)
	} else {
		fmt.Printf("manx: update: network %s\n", desc)
	}
	db, err := get(ctx, descURL, 1<<20)
	if err != nil {
		return err
	}
	desc, err := ospkg.ParseDescriptor(db)
	if err != nil {
		return err
	}
	pkgURL, err := resolve(descURL, desc.PkgURL)
	if err != nil {
		return err
	}
	zip, err := get(ctx, pkgURL, update.MaxSize)
	if err != nil {
		return err
	}
	st, err := ospkg.VerifyStatement(desc, zip, ospkg.TrustPolicy{Roots: roots, Threshold: 1, Time: time.Now(), MinVersion: current + 1})
	if err != nil {
		var rb *ospkg.RollbackError
		if errors.As(err, &rb) {
			return fmt.Errorf("version %d is not newer than the running %d", rb.Version, current)
		}
		return err
	}
	b, err := update.Unpack(zip)
	if err != nil {
		return err
	}
	if b.ImageVersion != st.PkgVersion {
		return fmt.Errorf("the bundle is image version %d, its descriptor signs pkg_version %d", b.ImageVersion, st.PkgVersion)
	}
	fmt.Printf("manx: update: verified version %d (%s)\n", b.ImageVersion, st.Label)
	if err := withESP(func(dir string) error { return notFailedBefore(dir, b.ImageVersion) }); err != nil {
		return err
	}
	slot, err := installRoot(b)
	if err != nil {
		return err
	}
	entry := fmt.Sprintf("EFI/Linux/%s", bootcount.New(fmt.Sprintf("manx_%d", b.ImageVersion), Tries))
	if err := installUKI(entry, b.UKI); err != nil {
		return err
	}
	fmt.Printf("manx: update: installed version %d in slot %s as \\%s\n", b.ImageVersion, slot, strings.ReplaceAll(entry, "/", `\`))
	if reboot {
		unix.Sync()
		fmt.Println("manx: update: rebooting")
		return unix.Reboot(unix.LINUX_REBOOT_CMD_RESTART)
	}
	return nil
}

// installRoot writes the bundle into the slot the running root is not on.
func installRoot(b *update.Bundle) (string, error) {
	cmdline, err := os.ReadFile("/proc/cmdline")
	if err != nil {
		return "", err
	}
	running, err := install.RunningRoot(string(cmdline))
	if err != nil {
		return "", err
	}
	_, diskDev, err := install.FindPartition(running)
	if err != nil {
		return "", err
	}
	f, err := os.OpenFile(diskDev, os.O_RDWR, 0)
	if err != nil {
		return "", err
	}
	defer f.Close()
	size, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		return "", err
	}
	t, err := gpt.Read(f)
	if err != nil {
		return "", fmt.Errorf("%s: %w", diskDev, err)
	}
	s, err := install.Inactive(t, running)
	if err != nil {
		return "", err
	}
	if _, err := install.Write(f, size, t, s, b); err != nil {
		return "", err
	}
	return s.Name, nil
}

// installUKI writes the UKI to the ESP under a temporary name, then
// renames it into place.
func installUKI(entry string, uki []byte) error {
	return withESP(func(dir string) error {
		tmp := dir + "/" + entry + ".new"
		if err := os.WriteFile(tmp, uki, 0o600); err != nil {
			return err
		}
		if err := os.Rename(tmp, dir+"/"+entry); err != nil {
			return err
		}
		unix.Sync()
		return nil
	})
}

// withESP mounts the ESP systemd-boot booted from at espDir for fn.
func withESP(fn func(dir string) error) error {
	dev, err := install.ESP()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(espDir, 0o700); err != nil {
		return err
	}
	if err := unix.Mount(dev, espDir, "vfat", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "umask=0077"); err != nil {
		return fmt.Errorf("mounting the ESP %s: %w", dev, err)
	}
	err = fn(espDir)
	if uerr := unix.Unmount(espDir, 0); err == nil && uerr != nil {
		err = fmt.Errorf("unmounting the ESP: %w", uerr)
	}
	return err
}

// notFailedBefore refuses version v when the ESP (at dir) holds an entry
// of v whose tries ran out: that update never booted to a blessed state,
// and installing it again would only repeat that.
func notFailedBefore(dir string, v uint64) error {
	ents, err := os.ReadDir(dir + "/EFI/Linux")
	if err != nil {
		return err
	}
	for _, e := range ents {
		n, err := bootcount.Parse(e.Name())
		if err == nil && n.Base == fmt.Sprintf("manx_%d", v) && n.Exhausted() {
			return fmt.Errorf("version %d failed before (\\EFI\\Linux\\%s never booted to a blessed state)", v, e.Name())
		}
	}
	return nil
}

func readVersion(p string) (uint64, error) {
	b, err := os.ReadFile(p)
	if err != nil {
		return 0, err
	}
	v, err := strconv.ParseUint(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", p, err)
	}
	return v, nil
}

func resolve(base, ref string) (string, error) {
	b, err := url.Parse(base)
	if err != nil {
		return "", err
	}
	r, err := url.Parse(ref)
	if err != nil {
		return "", err
	}
	return b.ResolveReference(r).String(), nil
}

func get(ctx context.Context, u string, limit int64) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, fmt.Errorf("GET %s: %w", u, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("GET %s: more than %d bytes", u, limit)
	}
	return b, nil
}
