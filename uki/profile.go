package uki

import (
	"fmt"
	"io"
	"time"

	"manx/internal/deb"
)

// Manx's UKI profile: what goes into every UKI Manx builds besides the kernel
// and initramfs. The orchestrator (manx/pipeline) and the Nix flake's tool
// (cmd/manx-uki) both assemble through Profile, so the two cannot drift.
const (
	// StubPin is the pins.json entry of the systemd-boot-efi package that
	// carries the stub.
	StubPin = "systemd-boot-efi"
	// StubPath is systemd-stub inside that package.
	StubPath = "usr/lib/systemd/boot/efi/linuxx64.efi.stub"
	// BootPath is systemd-boot inside that package.
	BootPath = "usr/lib/systemd/boot/efi/systemd-bootx64.efi"

	// Cmdline is the main UKI's signed command line: serial last (the
	// userland's console). It carries no lockdown=: the kernel forces
	// integrity lockdown from its configuration, whatever the command line.
	// With a TPM, init prints PCRs 4, 7, 9 and 11 (manx.tpm.pcrs), which
	// the boot checks compare with the prediction.
	Cmdline = "console=tty0 console=ttyS0 panic=-1 vt.global_cursor_default=0 manx.tpm.pcrs=4,7,9,11"
	// StbootCmdline is the stboot UKI's signed command line. Lockdown is
	// forced by the kernel configuration, and kexec_file_load accepts only
	// a kernel signed with the kexec key (the kernel's builtin keyring).
	StbootCmdline = "console=ttyS0 panic=-1 manx.stboot=1"
)

// OSRelease is the .osrel text of a Manx UKI of the given version.
func OSRelease(version string) string {
	return fmt.Sprintf("NAME=\"Manx\"\nID=manx\nVERSION_ID=%s\nPRETTY_NAME=\"Manx %s\"\n", version, version)
}

// StubFromDeb extracts systemd-stub (StubPath) from the systemd-boot-efi
// package read from r.
func StubFromDeb(r io.Reader) ([]byte, error) { return FromDeb(r, StubPath) }

// FromDeb extracts the file at path (StubPath, BootPath) from the
// systemd-boot-efi package read from r.
func FromDeb(r io.Reader, path string) ([]byte, error) {
	files, err := deb.Extract(r, path)
	if err != nil {
		return nil, fmt.Errorf("extracting %s: %w", path, err)
	}
	b, ok := files[path]
	if !ok {
		return nil, fmt.Errorf("extracting %s: not in the package", path)
	}
	return b, nil
}

// Profile is one Manx UKI: the stub, the Manx version and kernel release it
// names, its command line and build time.
type Profile struct {
	Stub    []byte
	Version string // Manx version (.osrel VERSION_ID)
	Uname   string // kernel release (.uname): the linux pin's version
	Cmdline string
	Time    time.Time // SOURCE_DATE_EPOCH
	// PCRPKey and PCRSig are the signed PCR policy (.pcrpkey, .pcrsig);
	// nil for a UKI without one.
	PCRPKey, PCRSig []byte
	// ImageVersion is the image-based OS's version (.osrel IMAGE_VERSION,
	// which systemd-boot orders entries by); "" for none.
	ImageVersion string
}

// Assemble builds the unsigned UKI of linux and initrd under p.
func (p Profile) Assemble(linux, initrd []byte) ([]byte, error) {
	b, err := Assemble(Spec{
		Stub: p.Stub, Linux: linux, Initrd: initrd, Cmdline: p.Cmdline,
		OSRelease: p.osRelease(), Uname: p.Uname, Time: p.Time,
		PCRPKey: p.PCRPKey, PCRSig: p.PCRSig,
	})
	if err != nil {
		return nil, fmt.Errorf("assembling the UKI: %w", err)
	}
	return b, nil
}

// osRelease is the .osrel of p: OSRelease, and IMAGE_ID and IMAGE_VERSION
// for an image.
func (p Profile) osRelease() string {
	s := OSRelease(p.Version)
	if p.ImageVersion != "" {
		s += "IMAGE_ID=manx\nIMAGE_VERSION=" + p.ImageVersion + "\n"
	}
	return s
}
