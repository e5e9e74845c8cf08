// Package disk lays out Manx's image-based disk (build/image/manx.raw): a
// GPT disk after the UAPI Discoverable Partitions Specification with an
// EFI System Partition, then two A/B slots, each a root partition
// (manx-root-a, manx-root-b) followed by its dm-verity hash partition
// (manx-root-a-verity, ...). Slot B is empty until an update writes it.
//
// Every identifier derives from slot A's root hash as systemd-repart
// derives them from its seed: a slot's root partition UUID is the first 128
// bits of its root hash, its verity partition's the last 128 bits; the
// disk GUID is HMAC-SHA256(seed, "disk-uuid") and other partitions'
// HMAC-SHA256(seed, type GUID [|| le64(k)]), made version-4 UUIDs, with
// seed the first 128 bits of slot A's root hash. The same contents give
// the same disk.
package disk

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"

	"manx/internal/gpt"
)

// Partition labels.
const (
	LabelESP     = "esp"
	LabelRootA   = "manx-root-a"
	LabelVerityA = "manx-root-a-verity"
	LabelRootB   = "manx-root-b"
	LabelVerityB = "manx-root-b-verity"
)

const (
	mib    = 1 << 20
	sector = gpt.SectorSize
)

// Slot is one A/B slot's contents.
type Slot struct {
	Root     []byte // the file system image (erofs)
	Hash     []byte // its dm-verity hash device (superblock and tree)
	RootHash []byte // the dm-verity root hash (SHA-256, 32 bytes)
}

// Spec is what a disk holds.
type Spec struct {
	// ESP is the FAT file system of the EFI System Partition (its size is
	// the partition's, a multiple of 1 MiB).
	ESP []byte
	// A is the slot the disk boots first; B is nil for an empty slot.
	A, B *Slot
	// SlotSize and VeritySize are the sizes of every root and verity
	// partition, multiples of 1 MiB.
	SlotSize, VeritySize int64
	// RootType and VerityType are the DPS partition types of the
	// architecture (gpt.TypeRootX86_64, gpt.TypeRootX86_64Verity).
	RootType, VerityType gpt.GUID
}

// Build returns the disk image and its partition table.
func Build(s Spec) ([]byte, gpt.Table, error) {
	if s.A == nil {
		return nil, gpt.Table{}, fmt.Errorf("disk: no slot A")
	}
	for _, v := range []struct {
		what string
		n    int64
	}{{"ESP", int64(len(s.ESP))}, {"slot", s.SlotSize}, {"verity partition", s.VeritySize}} {
		if v.n <= 0 || v.n%mib != 0 {
			return nil, gpt.Table{}, fmt.Errorf("disk: %s size %d: want a positive multiple of 1 MiB", v.what, v.n)
		}
	}
	for name, sl := range map[string]*Slot{"A": s.A, "B": s.B} {
		if sl == nil {
			continue
		}
		if int64(len(sl.Root)) > s.SlotSize || int64(len(sl.Hash)) > s.VeritySize {
			return nil, gpt.Table{}, fmt.Errorf("disk: slot %s: root %d bytes, hash %d bytes; partitions hold %d and %d", name, len(sl.Root), len(sl.Hash), s.SlotSize, s.VeritySize)
		}
		if len(sl.RootHash) != sha256.Size {
			return nil, gpt.Table{}, fmt.Errorf("disk: slot %s: root hash of %d bytes, want %d", name, len(sl.RootHash), sha256.Size)
		}
	}
	var seed [16]byte
	copy(seed[:], s.A.RootHash)

	type part struct {
		p    gpt.Partition
		data []byte
	}
	lba := uint64(mib / sector)
	next := func(size int64) (uint64, uint64) {
		first := lba
		lba += uint64(size / sector)
		return first, lba - 1
	}
	var parts []part
	add := func(typ, id gpt.GUID, name string, size int64, attrs uint64, data []byte) {
		first, last := next(size)
		parts = append(parts, part{gpt.Partition{Type: typ, GUID: id, Name: name, FirstLBA: first, LastLBA: last, Attributes: attrs}, data})
	}
	add(gpt.TypeESP, deriveUUID(seed, gpt.TypeESP[:]), LabelESP, int64(len(s.ESP)), 0, s.ESP)
	for i, sl := range []*Slot{s.A, s.B} {
		labels := [][2]string{{LabelRootA, LabelVerityA}, {LabelRootB, LabelVerityB}}[i]
		var rootID, verityID gpt.GUID
		var root, hash []byte
		if sl != nil {
			rootID, verityID = RootUUIDs(sl.RootHash)
			root, hash = sl.Root, sl.Hash
		} else {
			// An empty slot: the k-th partition of its type, as repart
			// numbers them.
			rootID = deriveUUID(seed, append(s.RootType[:], le64(uint64(i))...))
			verityID = deriveUUID(seed, append(s.VerityType[:], le64(uint64(i))...))
		}
		add(s.RootType, rootID, labels[0], s.SlotSize, gpt.AttrReadOnly, root)
		add(s.VerityType, verityID, labels[1], s.VeritySize, gpt.AttrReadOnly, hash)
	}
	size := int64(lba)*sector + mib // 1 MiB behind: the backup table
	img := make([]byte, size)
	tab := gpt.Table{DiskGUID: deriveUUID(seed, []byte("disk-uuid"))}
	for _, p := range parts {
		copy(img[int64(p.p.FirstLBA)*sector:], p.data)
		tab.Partitions = append(tab.Partitions, p.p)
	}
	if err := tab.Write(img); err != nil {
		return nil, gpt.Table{}, fmt.Errorf("disk: %w", err)
	}
	for i := range tab.Partitions {
		tab.Partitions[i].Number = i + 1
	}
	return img, tab, nil
}

// RootUUIDs are a slot's root and verity partition UUIDs for its root
// hash: its first and its last 128 bits, as they are (systemd-repart).
func RootUUIDs(rootHash []byte) (root, verity gpt.GUID) {
	copy(root[:], rootHash[:16])
	copy(verity[:], rootHash[len(rootHash)-16:])
	return root, verity
}

// deriveUUID is systemd-repart's derive_uuid: the first 16 bytes of
// HMAC-SHA256(seed, msg), made a version-4 UUID.
func deriveUUID(seed [16]byte, msg []byte) gpt.GUID {
	m := hmac.New(sha256.New, seed[:])
	m.Write(msg)
	var g gpt.GUID
	copy(g[:], m.Sum(nil))
	g[6] = g[6]&0x0f | 0x40
	g[8] = g[8]&0x3f | 0x80
	return g
}

func le64(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }
