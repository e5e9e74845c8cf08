package initramfs

// InitPackage is Manx's PID 1, linked as /init.
const InitPackage = "manx/userland/cmd/init"

// VersionVar is the variable every binary-mode command gets the Manx version
// in (ignored by packages without it).
const VersionVar = "main.version"

// Shell is the u-root command linked as /bin/sh: gosh, built with the
// goshsmall tag (plain line input, no completion), which needs no modules
// beyond mvdan.cc/sh and works on a serial line as on a VT.
const Shell = "gosh"

const urootCore = "github.com/u-root/u-root/cmds/core/"

// BusyboxCommands are the u-root commands built into one busybox binary,
// /bbin/bb, with a symlink per command. Busybox mode compiles in GOPATH mode,
// so these get Go 1.20 GODEBUG defaults: nothing here may parse untrusted
// input or do cryptography.
var BusyboxCommands = prefixed(urootCore,
	"cat", "chmod", "cp", "date", "df", "dmesg", "echo", "false", "find", "free", "gosh", "grep",
	"head", "hexdump", "hostname", "ip", "kill", "ln", "ls", "lsmod", "mkdir", "mknod", "more", "mount",
	"mv", "poweroff", "printenv", "ps", "pwd", "readlink", "rm", "sleep", "sync", "tail", "tee", "true",
	"umount", "uname", "uptime", "wc", "which",
)

// BinaryCommands are built one binary each, in module mode with this
// module's go directive and GODEBUG defaults: init, and programs that parse
// untrusted input (kexec reads kernel images). Options.Commands are added to
// these.
var BinaryCommands = []string{
	InitPackage,
	urootCore + "kexec",
}

// busyboxTags are the build tags of the busybox build.
var busyboxTags = []string{"goshsmall"}

func prefixed(prefix string, names ...string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = prefix + n
	}
	return out
}
