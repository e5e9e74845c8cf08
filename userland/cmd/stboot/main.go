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
	"io/fs"
	"log/slog"
	"os"
	"time"

	"github.com/google/go-tpm/tpm2/transport/linuxtpm"

	"manx/tpm/nvversion"
	"manx/userland/stboot"
)

// tpmDevice is the kernel's TPM resource manager.
const tpmDevice = "/dev/tpmrm0"

// rollbackState is the TPM NV rollback state, or nil when the machine has
// no TPM. A TPM that is there but cannot be opened is not "no TPM": the
// store it returns then refuses (stboot: FAIL rollback: …), so a broken or
// busy TPM cannot turn rollback protection off.
func rollbackState() stboot.VersionStore {
	t, err := linuxtpm.Open(tpmDevice)
	if errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(os.Stdout, "stboot: no TPM (%v): no rollback state, any signed unexpired version boots\n", err)
		return nil
	}
	if err != nil {
		return brokenStore{fmt.Errorf("TPM %s: %w", tpmDevice, err)}
	}
	// Left open: the kexec replaces this process.
	fmt.Fprintf(os.Stdout, "stboot: rollback state in TPM NV index %#x\n", uint32(nvversion.Index))
	return nvversion.Store{TPM: t}
}

// brokenStore is rollback state that cannot be read or written.
type brokenStore struct{ err error }

func (b brokenStore) Highest() (uint64, error) { return 0, b.err }
func (b brokenStore) Record(uint64) error      { return b.err }

// version is set at build time with -ldflags "-X main.version=…" (from git).
var version = "dev"

func main() {
	config := flag.String("config", stboot.DefaultConfigPath, "host configuration `file`")
	tmp := flag.String("tmp", "/tmp", "tmpfs `directory` for the extracted kernel and initramfs")
	dryRun := flag.Bool("dry-run", false, "verify and extract, but do not kexec")
	flag.Parse()

	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	fmt.Fprintf(os.Stdout, "stboot: Manx stboot %s\n", version)
	versions := rollbackState()
	err := stboot.Run(context.Background(), stboot.Options{
		ConfigPath: *config,
		TmpDir:     *tmp,
		Console:    os.Stdout,
		Logger:     log,
		Network:    stboot.NetlinkNetwork{Logger: log},
		Kexec:      stboot.SyscallKexec{},
		DryRun:     *dryRun,
		Now:        time.Now, // the RTC; certificate validity periods and not_after are checked against it
		// The highest booted pkg_version lives in a TPM NV index that
		// stboot write-locks before the kexec (manx/tpm/nvversion); a UEFI
		// variable the OS can write would not be authenticated, and the
		// key for authenticated variable updates would sit in this public
		// initramfs. Without a TPM there is no rollback state.
		Versions: versions,
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
