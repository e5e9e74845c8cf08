// Command manx-uki assembles Manx's unsigned UKI from a built kernel, a built
// initramfs and the pinned systemd-boot-efi package, for the Nix flake's uki
// package. It assembles through uki.Profile, as the pipeline's UKI step does before
// signing (same command line, os-release and .uname): the Nix derivations build the
// kernel and initramfs separately, and the db key that signs the UKI must
// never enter the (world-readable) Nix store, so the flake ships the
// unsigned, reproducible manx.efi and signing stays outside Nix.
//
//	manx-uki -kernel bzImage -initrd initramfs.cpio.gz -stub-deb systemd-boot-efi.deb \
//	  -uname 6.12.107 -version g0123456789ab -out manx.efi
//
// The PE timestamp is SOURCE_DATE_EPOCH.
package main

import (
	"flag"
	"fmt"
	"os"

	"manx/internal/buildenv"
	"manx/uki"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "manx-uki:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("manx-uki", flag.ContinueOnError)
	kernel := fs.String("kernel", "", "bzImage")
	initrd := fs.String("initrd", "", "initramfs")
	stubDeb := fs.String("stub-deb", "", "systemd-boot-efi .deb (the pinned file)")
	uname := fs.String("uname", "", "kernel release for .uname (the linux pin's version)")
	version := fs.String("version", "", "Manx version for .osrel (MANX_VERSION)")
	out := fs.String("out", "", "output UKI")
	if err := fs.Parse(args); err != nil {
		return err
	}
	for name, v := range map[string]string{"kernel": *kernel, "initrd": *initrd, "stub-deb": *stubDeb, "uname": *uname, "version": *version, "out": *out} {
		if v == "" {
			return fmt.Errorf("-%s is required", name)
		}
	}
	epoch, err := buildenv.ParseEpoch(os.Getenv("SOURCE_DATE_EPOCH"))
	if err != nil {
		return err
	}
	kb, err := os.ReadFile(*kernel)
	if err != nil {
		return fmt.Errorf("reading the kernel: %w", err)
	}
	ib, err := os.ReadFile(*initrd)
	if err != nil {
		return fmt.Errorf("reading the initramfs: %w", err)
	}
	f, err := os.Open(*stubDeb)
	if err != nil {
		return fmt.Errorf("opening the stub package: %w", err)
	}
	defer f.Close()
	stub, err := uki.StubFromDeb(f)
	if err != nil {
		return fmt.Errorf("%s: %w", *stubDeb, err)
	}
	p := uki.Profile{Stub: stub, Version: *version, Uname: *uname, Cmdline: uki.Cmdline, Time: epoch}
	b, err := p.Assemble(kb, ib)
	if err != nil {
		return err
	}
	if err := os.WriteFile(*out, b, 0o644); err != nil {
		return fmt.Errorf("writing the UKI: %w", err)
	}
	return nil
}
