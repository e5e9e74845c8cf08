// Package setup checks that the host has the tools Manx drives (podman,
// debootstrap, QEMU >= 10, swtpm, tpm2-tools, OVMF, sbsigntool, mtools, ...) and, as root
// on Debian, installs what is missing with apt; otherwise it prints the exact
// command to run. It is idempotent and fast when everything is present.
package setup

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
)

// Need is one host requirement.
type Need struct {
	Check     string // a command on PATH, or an absolute file path
	Package   string // Debian package providing it
	Backports bool   // on bookworm, install from bookworm-backports
	MinQEMU   int    // when set, `Check --version` must report at least this major version
}

// Needs is what the build, the tests and the boot checks use on the host.
var Needs = []Need{
	{Check: "git", Package: "git"},
	{Check: "podman", Package: "podman"},
	{Check: "runc", Package: "runc"},
	{Check: "debootstrap", Package: "debootstrap"},
	{Check: "tar", Package: "tar"},
	{Check: "xz", Package: "xz-utils"},
	{Check: "qemu-system-x86_64", Package: "qemu-system-x86", Backports: true, MinQEMU: 10},
	{Check: "qemu-img", Package: "qemu-utils", Backports: true},
	{Check: "swtpm", Package: "swtpm"},
	{Check: "swtpm_setup", Package: "swtpm-tools"},
	{Check: "tpm2_pcrread", Package: "tpm2-tools"}, // tpm/seal tests cross-check the SRK; TPM debugging
	{Check: "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd", Package: "ovmf"},
	{Check: "sbverify", Package: "sbsigntool"},
	{Check: "objdump", Package: "binutils"},
	{Check: "mcopy", Package: "mtools"},
	{Check: "fsck.fat", Package: "dosfstools"},
	{Check: "sfdisk", Package: "fdisk"},
	{Check: "veritysetup", Package: "cryptsetup-bin"}, // image/verity's oracle; checks the image's verity partitions
	{Check: "fsck.erofs", Package: "erofs-utils"},     // image/rootfs's oracle (and mkfs.erofs for MANX_TOOLCHAIN=host)
	{Check: "nix-instantiate", Package: "nix-bin"},    // static checks of flake.nix
}

// Host is what setup needs to know about the machine (a seam for tests).
type Host struct {
	Look      func(check string) bool
	QEMUMajor func(cmd string) int
	Codename  string // VERSION_CODENAME from /etc/os-release
	Root      bool
	Run       func(ctx context.Context, name string, args ...string) error
	Mirror    func() (string, error) // the host's Debian mirror, for adding backports
	SourcesD  string                 // /etc/apt/sources.list.d
}

// Missing returns the needs the host does not meet.
func Missing(h Host) []Need {
	var out []Need
	for _, n := range Needs {
		if !h.Look(n.Check) || (n.MinQEMU > 0 && h.QEMUMajor(n.Check) < n.MinQEMU) {
			out = append(out, n)
		}
	}
	return out
}

// Commands returns the shell commands that install what is missing.
func Commands(missing []Need, codename string) []string {
	var plain, bpo []string
	for _, n := range missing {
		if n.Backports && codename == "bookworm" {
			bpo = append(bpo, n.Package)
		} else {
			plain = append(plain, n.Package)
		}
	}
	var cmds []string
	if len(plain)+len(bpo) > 0 {
		cmds = append(cmds, "apt-get update")
	}
	if len(plain) > 0 {
		cmds = append(cmds, "DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "+strings.Join(plain, " "))
	}
	if len(bpo) > 0 {
		cmds = append(cmds, "DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends -t bookworm-backports "+strings.Join(bpo, " "))
	}
	return cmds
}

// Ensure installs what is missing (as root) or explains how.
func Ensure(ctx context.Context, h Host, log *slog.Logger) error {
	missing := Missing(h)
	if len(missing) == 0 {
		log.Debug("Host setup complete")
		return nil
	}
	var names []string
	needBpo := false
	for _, n := range missing {
		names = append(names, n.Package)
		needBpo = needBpo || (n.Backports && h.Codename == "bookworm")
	}
	cmds := Commands(missing, h.Codename)
	if !h.Root {
		return fmt.Errorf("the host lacks %s; as root run:\n  %s", strings.Join(names, ", "), strings.Join(cmds, "\n  "))
	}
	log.Info("Installing host packages", "packages", strings.Join(names, " "))
	if needBpo {
		if err := ensureBackports(h, log); err != nil {
			return err
		}
	}
	for _, c := range cmds {
		if err := h.Run(ctx, "sh", "-c", c); err != nil {
			return fmt.Errorf("host setup: %s: %w", c, err)
		}
	}
	if still := Missing(h); len(still) > 0 {
		return fmt.Errorf("host setup: still missing after apt: %v", still)
	}
	return nil
}

// BackportsFile is the apt source setup adds on bookworm.
const BackportsFile = "manx-bookworm-backports.sources"

func ensureBackports(h Host, log *slog.Logger) error {
	if exec.Command("grep", "-rqs", "bookworm-backports", h.SourcesD, "/etc/apt/sources.list").Run() == nil {
		return nil
	}
	mirror, err := h.Mirror()
	if err != nil {
		return fmt.Errorf("adding bookworm-backports: %w", err)
	}
	path := h.SourcesD + "/" + BackportsFile
	content := BackportsSource(mirror)
	log.Info("Adding bookworm-backports to apt (QEMU >= 10 comes from there)", "file", path)
	return os.WriteFile(path, []byte(content), 0o644)
}

// BackportsSource is the deb822 stanza for bookworm-backports on mirror.
func BackportsSource(mirror string) string {
	return "# Added by Manx setup: QEMU >= 10 (uefi-vars-x64) is in bookworm-backports.\n" +
		"Types: deb deb-src\nURIs: " + mirror + "\nSuites: bookworm-backports\nComponents: main\n" +
		"Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n"
}

var qemuVersion = regexp.MustCompile(`version (\d+)\.`)

// ParseQEMUMajor reads the major version from `qemu-system-* --version`.
func ParseQEMUMajor(out string) int {
	m := qemuVersion.FindStringSubmatch(out)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}
