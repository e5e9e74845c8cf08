package rootfs

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"manx/internal/toolchain"
)

// erofsScript makes the image: every file's timestamp is the epoch, every
// owner root, no extended attributes (the host's labels must not leak in),
// uncompressed, the given UUID.
const erofsScript = `mkfs.erofs --quiet -x-1 --all-root -T"$SOURCE_DATE_EPOCH" -U"$MANX_EROFS_UUID" "$MANX_WORK/root.erofs" "$MANX_WORK/tree"
test -s "$MANX_WORK/root.erofs"`

// Erofs makes the erofs image of the tree work/tree as work/root.erofs
// with mkfs.erofs in tc, and returns its path. uuid is the file system
// UUID (TreeUUID derives one); epoch is every file's timestamp.
func Erofs(ctx context.Context, tc toolchain.Backend, work, uuid string, epoch time.Time, log io.Writer) (string, error) {
	out := filepath.Join(work, "root.erofs")
	if err := os.Remove(out); err != nil && !os.IsNotExist(err) {
		return "", err
	}
	err := tc.Run(ctx, toolchain.Step{
		Name:   "mkfs.erofs",
		Script: erofsScript,
		Mounts: []toolchain.Mount{{Var: "MANX_WORK", Host: work, Guest: "/manx/work"}},
		Env:    map[string]string{"MANX_EROFS_UUID": uuid, "SOURCE_DATE_EPOCH": fmt.Sprint(epoch.Unix())},
		Out:    log,
	})
	if err != nil {
		return "", fmt.Errorf("rootfs: mkfs.erofs: %w", err)
	}
	return out, nil
}

// TreeUUID is a version-4 UUID derived from the initramfs the tree comes
// from (its bytes), so the file system UUID changes with its contents only.
func TreeUUID(initramfs []byte) string {
	h := sha256.Sum256(append([]byte("manx rootfs erofs uuid v1\x00"), initramfs...))
	h[6] = h[6]&0x0f | 0x40
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}
