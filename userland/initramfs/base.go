package initramfs

import (
	"fmt"

	"github.com/u-root/mkuimage/cpio"
)

// baseRecords are the directories, device nodes and files every Manx
// initramfs has besides the built commands, with explicit modes. Without
// dev/console the kernel cannot give init a console: devtmpfs is not
// mounted before init runs from an initramfs.
func baseRecords(version string) []cpio.Record {
	return []cpio.Record{
		cpio.Directory("bin", 0o755),
		cpio.Directory("dev", 0o755),
		cpio.Directory("etc", 0o755),
		cpio.Directory("proc", 0o555),
		cpio.Directory("root", 0o700),
		cpio.Directory("run", 0o755),
		cpio.Directory("sys", 0o555),
		cpio.Directory("tmp", 0o1777),
		cpio.Directory("usr", 0o755),
		cpio.Directory("var", 0o755),
		cpio.CharDev("dev/console", 0o600, 5, 1),
		cpio.CharDev("dev/null", 0o666, 1, 3),
		cpio.StaticFile("etc/os-release", osRelease(version), 0o644),
	}
}

func osRelease(version string) string {
	return fmt.Sprintf("NAME=Manx\nID=manx\nVERSION_ID=%s\nPRETTY_NAME=\"Manx %s\"\n", version, version)
}
