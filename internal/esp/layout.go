package esp

// sectorSize is the sector size of every image.
const sectorSize = 512

// PartitionStartLBA is where the EFI System Partition starts: 1 MiB, the
// usual alignment.
const PartitionStartLBA = 2048

// PartitionOffset is PartitionStartLBA in bytes (for mtools: img@@1048576).
const PartitionOffset = PartitionStartLBA * sectorSize
