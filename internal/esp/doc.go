// Package esp writes reproducible EFI System Partition images: a GPT disk with one EFI
// System Partition holding a FAT32 file system (the default, as on real disks and as
// OVMF boots \EFI\BOOT\BOOTX64.EFI from a virtio-blk disk), or the bare FAT32 file
// system ("superfloppy").
//
// The output depends only on the files, the caller's time and Options: fixed volume ID,
// label, disk and partition GUIDs, every timestamp taken from the given time, files
// stored contiguously in sorted path order, directories before their contents. Short
// 8.3 names are used where a name fits; other names get VFAT long-name entries with a
// deterministic NAME~N alias.
//
// References: Microsoft FAT specification (fatgen103, 2000); UEFI 2.10 §5.3 (GPT),
// §13.3 (ESP file system).
package esp
