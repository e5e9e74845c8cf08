package disk

import (
	"encoding/hex"
	"fmt"

	"manx/image/verity"
)

// DMName is the device-mapper name of the verity root.
const DMName = "manx-root"

// VerityCmdline is the kernel command line that opens a slot's verity root
// without userspace (CONFIG_DM_INIT) and mounts it read-only as /: the
// dm-verity table names the slot's partitions by PARTUUID (derived from
// the root hash, RootUUIDs), with the hash tree after the superblock
// (hash start block 1), and carries the root hash and salt. In a signed
// UKI it is covered by Secure Boot's signature and measured into PCR 11,
// and with it every block of the root.
func VerityCmdline(sb verity.Superblock, rootHash []byte) (string, error) {
	if sb.DataBlockSize < 512 || sb.HashBlockSize < 512 || sb.DataBlocks == 0 || len(rootHash) < 32 {
		return "", fmt.Errorf("disk: verity superblock of %d blocks of %d/%d bytes, root hash of %d bytes", sb.DataBlocks, sb.DataBlockSize, sb.HashBlockSize, len(rootHash))
	}
	root, hash := RootUUIDs(rootHash)
	salt := "-"
	if len(sb.Salt) > 0 {
		salt = hex.EncodeToString(sb.Salt)
	}
	sectors := sb.DataBlocks * uint64(sb.DataBlockSize) / 512
	table := fmt.Sprintf("0 %d verity %d PARTUUID=%s PARTUUID=%s %d %d %d 1 %s %x %s",
		sectors, sb.HashType, root, hash, sb.DataBlockSize, sb.HashBlockSize, sb.DataBlocks, sb.Algorithm, rootHash, salt)
	return fmt.Sprintf(`dm-mod.create="%s,,,ro,%s" dm-mod.waitfor=PARTUUID=%s,PARTUUID=%s root=/dev/dm-0 rootfstype=erofs ro init=/init`,
		DMName, table, root, hash), nil
}
