package ospkg

import (
	"errors"
	"fmt"
	"strings"
)

// Paths inside the zip. The order of entries in the zip is the sorted order
// of these names.
const (
	dirBoot       = "boot/"
	pathCmdline   = "boot/cmdline"
	pathInitramfs = "boot/initramfs"
	pathKernel    = "boot/kernel"
	pathManifest  = "manifest.json"
)

// manifestVersion is the only manifest format version (the descriptor has
// its own, descriptorVersion).
const manifestVersion = 1

// Contents is what an OS package carries.
type Contents struct {
	Label     string // human-readable name and version, e.g. "Manx 0.3.0"
	Kernel    []byte // bzImage; under Secure Boot the caller signs it with a db key first
	Initramfs []byte // may be empty: boot without an initramfs
	Cmdline   string // kernel command line of the OS
}

// validate checks what Pack and the unpacker both require.
func (c *Contents) validate() error {
	var errs []error
	if len(c.Kernel) == 0 {
		errs = append(errs, errors.New("no kernel"))
	}
	if strings.ContainsRune(c.Cmdline, 0) {
		errs = append(errs, errors.New("command line contains NUL"))
	}
	if strings.ContainsAny(c.Label, "\x00\n") {
		errs = append(errs, fmt.Errorf("label %q contains NUL or newline", c.Label))
	}
	return errors.Join(errs...)
}

// manifest is manifest.json. The first five fields are System Transparency's
// (same names and meaning); cmdline_file and sha256 are Manx's.
type manifest struct {
	Version     int               `json:"version"`
	Label       string            `json:"label"`
	Kernel      string            `json:"kernel"`
	Initramfs   string            `json:"initramfs"`
	Cmdline     string            `json:"cmdline"`
	CmdlineFile string            `json:"cmdline_file"`
	SHA256      map[string]string `json:"sha256"` // encoding/json writes map keys sorted
}
