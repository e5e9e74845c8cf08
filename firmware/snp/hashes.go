package snp

import (
	"crypto/sha256"
	"encoding/binary"
)

// The kernel/initrd/cmdline hash table QEMU writes for kernel-hashes=on (QEMU
// target/i386/sev.c, build_kernel_loader_hashes; edk2 BlobVerifierLibSevHashes).
// GUIDs in on-disk (mixed-endian) byte order.
var (
	// hashTableGUID is 9438d606-4f22-4cc9-b479-a793d411fd21.
	hashTableGUID = [16]byte{0x06, 0xd6, 0x38, 0x94, 0x22, 0x4f, 0xc9, 0x4c, 0xb4, 0x79, 0xa7, 0x93, 0xd4, 0x11, 0xfd, 0x21}
	// cmdlineGUID is 97d02dd8-bd20-4c94-aa78-e7714d36ab2a.
	cmdlineGUID = [16]byte{0xd8, 0x2d, 0xd0, 0x97, 0x20, 0xbd, 0x94, 0x4c, 0xaa, 0x78, 0xe7, 0x71, 0x4d, 0x36, 0xab, 0x2a}
	// initrdGUID is 44baf731-3a2f-4bd7-9af1-41e29169781d.
	initrdGUID = [16]byte{0x31, 0xf7, 0xba, 0x44, 0x2f, 0x3a, 0xd7, 0x4b, 0x9a, 0xf1, 0x41, 0xe2, 0x91, 0x69, 0x78, 0x1d}
	// kernelGUID is 4de79437-abd2-427f-b835-d5b172d2045b.
	kernelGUID = [16]byte{0x37, 0x94, 0xe7, 0x4d, 0xd2, 0xab, 0x7f, 0x42, 0xb8, 0x35, 0xd5, 0xb1, 0x72, 0xd2, 0x04, 0x5b}
)

const (
	hashEntrySize   = 16 + 2 + sha256.Size      // GUID, u16 length, SHA-256: 0x32
	hashTableLen    = 16 + 2 + 3*hashEntrySize  // 0xA8, the length stored in the header
	hashTablePadded = (hashTableLen + 15) &^ 15 // 0xB0, what QEMU writes
)

// BootHashes are the SHA-256 digests QEMU puts into the hash table.
type BootHashes struct {
	Kernel, Initrd, Cmdline [sha256.Size]byte
}

// HashBoot hashes direct-boot inputs as QEMU does: the kernel file as given, the
// initrd file (SHA-256 of nothing when there is none) and the -append string plus a
// trailing NUL (a single NUL when there is none).
func HashBoot(kernel, initrd []byte, cmdline string) BootHashes {
	return BootHashes{
		Kernel:  sha256.Sum256(kernel),
		Initrd:  sha256.Sum256(initrd),
		Cmdline: sha256.Sum256(append([]byte(cmdline), 0)),
	}
}

// table returns the padded hash table: header, then the cmdline, initrd and kernel
// entries (do not rearrange: QEMU's order), then zero padding to 16 bytes.
func (h BootHashes) table() [hashTablePadded]byte {
	var t [hashTablePadded]byte
	le := binary.LittleEndian
	copy(t[0:], hashTableGUID[:])
	le.PutUint16(t[16:], hashTableLen)
	off := 18
	for _, e := range []struct {
		guid [16]byte
		sum  [sha256.Size]byte
	}{{cmdlineGUID, h.Cmdline}, {initrdGUID, h.Initrd}, {kernelGUID, h.Kernel}} {
		copy(t[off:], e.guid[:])
		le.PutUint16(t[off+16:], hashEntrySize)
		copy(t[off+18:], e.sum[:])
		off += hashEntrySize
	}
	return t
}
