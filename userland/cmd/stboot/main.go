// Command stboot downloads, verifies and kexecs a signed Manx OS package
// (see package manx/userland/stboot). Manx's init runs it as /bin/stboot
// when the kernel command line has manx.stboot=1. On success it does not
// exit: the kexec reboot replaces the kernel. On failure it fails closed:
// it prints the refusal and then reboots or powers off as host.json's
// on_failure says (after failure_delay), never leaving a prompt; it exits
// non-zero only if that fails (or under -dry-run).
//
// Flags: -config PATH (default /etc/manx/stboot/host.json), -tmp DIR
// (default /tmp), -dry-run (verify and extract, but neither load nor
// reboot; prints "stboot: dry run …" instead of "stboot: kexec" and exits 0).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"time"

	"manx/userland/stboot"
)

// version is set at build time with -ldflags "-X main.version=…" (from git).
var version = "dev"

func main() {
	config := flag.String("config", stboot.DefaultConfigPath, "host configuration `file`")
	tmp := flag.String("tmp", "/tmp", "tmpfs `directory` for the extracted kernel and initramfs")
	dryRun := flag.Bool("dry-run", false, "verify and extract, but do not kexec")
	flag.Parse()

	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	fmt.Fprintf(os.Stdout, "stboot: Manx stboot %s\n", version)
	err := stboot.Run(context.Background(), stboot.Options{
		ConfigPath: *config,
		TmpDir:     *tmp,
		Console:    os.Stdout,
		Logger:     log,
		Network:    stboot.NetlinkNetwork{Logger: log},
		Kexec:      stboot.SyscallKexec{},
		DryRun:     *dryRun,
		Now:        time.Now, // the RTC; certificate validity periods and not_after are checked against it
		// No rollback state yet: any validly signed, unexpired
		// pkg_version boots. The highest booted version belongs in an
		// authenticated store, a TPM NV index once the TPM work lands; a
		// UEFI variable the OS can write is not authenticated, and the key
		// for authenticated variable updates would sit in this public
		// initramfs (see stboot.VersionStore, docs/LIMITATIONS.md).
		Versions: nil,
	})
	if err != nil {
		// Run has printed "stboot: FAIL <step>: <reason>".
		then := stboot.DefaultHostConfig().OnFailureDefault()
		var se *stboot.Error
		if errors.As(err, &se) {
			then = se.Then
		}
		if !*dryRun {
			if err := then.Do(os.Stdout, stboot.SysMachine{}, nil); err != nil {
				fmt.Fprintf(os.Stdout, "stboot: %s failed: %v\n", then.Action, err)
			}
		}
		os.Exit(1)
	}
}
