package esp

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"strings"
	"unicode/utf16"
)

// GPT layout constants (UEFI 2.10 §5.3).
const (
	sectorSize      = 512
	gptEntries      = 128
	gptEntrySize    = 128
	gptEntrySectors = gptEntries * gptEntrySize / sectorSize // 32
	// PartitionStartLBA is where the EFI System Partition starts: 1 MiB, the usual
	// alignment.
	PartitionStartLBA = 2048
	// PartitionOffset is PartitionStartLBA in bytes (for mtools: img@@1048576).
	PartitionOffset = PartitionStartLBA * sectorSize
)

// espTypeGUID is the EFI System Partition type GUID.
const espTypeGUID = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B"

// parseGUID returns the on-disk (mixed-endian) encoding of a textual GUID: the first
// three fields little-endian, the last two as written.
func parseGUID(s string) ([16]byte, error) {
	var g [16]byte
	parts := strings.Split(s, "-")
	if len(parts) != 5 || len(parts[0]) != 8 || len(parts[1]) != 4 || len(parts[2]) != 4 || len(parts[3]) != 4 || len(parts[4]) != 12 {
		return g, fmt.Errorf("GUID %q: want xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", s)
	}
	raw, err := hex.DecodeString(strings.Join(parts, ""))
	if err != nil {
		return g, fmt.Errorf("GUID %q: %w", s, err)
	}
	binary.LittleEndian.PutUint32(g[0:], binary.BigEndian.Uint32(raw[0:]))
	binary.LittleEndian.PutUint16(g[4:], binary.BigEndian.Uint16(raw[4:]))
	binary.LittleEndian.PutUint16(g[6:], binary.BigEndian.Uint16(raw[6:]))
	copy(g[8:], raw[8:])
	return g, nil
}

// writeGPT writes the protective MBR, both GPT headers and both partition entry arrays
// for one EFI System Partition spanning [PartitionStartLBA, lastUsable] of disk.
func writeGPT(disk []byte, diskGUID, partGUID [16]byte, name string) error {
	sectors := uint64(len(disk) / sectorSize)
	last := sectors - 1
	firstUsable := uint64(2 + gptEntrySectors)
	lastUsable := last - 1 - gptEntrySectors

	// Protective MBR (UEFI §5.2.3).
	mbr := disk[:sectorSize]
	pe := mbr[446:462]
	pe[1], pe[2], pe[3] = 0x00, 0x02, 0x00 // CHS of LBA 1
	pe[4] = 0xEE
	pe[5], pe[6], pe[7] = 0xFF, 0xFF, 0xFF
	binary.LittleEndian.PutUint32(pe[8:], 1)
	binary.LittleEndian.PutUint32(pe[12:], uint32(min(sectors-1, 0xFFFFFFFF)))
	mbr[510], mbr[511] = 0x55, 0xAA

	// Partition entry array.
	entries := make([]byte, gptEntries*gptEntrySize)
	typ, err := parseGUID(espTypeGUID)
	if err != nil {
		return err
	}
	copy(entries[0:], typ[:])
	copy(entries[16:], partGUID[:])
	binary.LittleEndian.PutUint64(entries[32:], PartitionStartLBA)
	binary.LittleEndian.PutUint64(entries[40:], lastUsable)
	u := utf16.Encode([]rune(name))
	if len(u) > 36 {
		return fmt.Errorf("partition name %q longer than 36 UTF-16 units", name)
	}
	for i, c := range u {
		binary.LittleEndian.PutUint16(entries[56+2*i:], c)
	}
	entriesCRC := crc32.ChecksumIEEE(entries)
	copy(disk[2*sectorSize:], entries)
	copy(disk[(lastUsable+1)*sectorSize:], entries)

	header := func(my, alternate, entriesLBA uint64) []byte {
		h := make([]byte, 92)
		copy(h, "EFI PART")
		binary.LittleEndian.PutUint32(h[8:], 0x00010000)
		binary.LittleEndian.PutUint32(h[12:], 92)
		binary.LittleEndian.PutUint64(h[24:], my)
		binary.LittleEndian.PutUint64(h[32:], alternate)
		binary.LittleEndian.PutUint64(h[40:], firstUsable)
		binary.LittleEndian.PutUint64(h[48:], lastUsable)
		copy(h[56:], diskGUID[:])
		binary.LittleEndian.PutUint64(h[72:], entriesLBA)
		binary.LittleEndian.PutUint32(h[80:], gptEntries)
		binary.LittleEndian.PutUint32(h[84:], gptEntrySize)
		binary.LittleEndian.PutUint32(h[88:], entriesCRC)
		binary.LittleEndian.PutUint32(h[16:], crc32.ChecksumIEEE(h))
		return h
	}
	copy(disk[1*sectorSize:], header(1, last, 2))
	copy(disk[last*sectorSize:], header(last, 1, lastUsable+1))
	return nil
}
