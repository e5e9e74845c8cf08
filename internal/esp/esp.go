package esp

import (
	"errors"
	"fmt"
	"io"
	"time"

	"manx/internal/gpt"
)

// Defaults for Options. The GUIDs are fixed, arbitrary constants so that every Manx ESP
// is byte-identical for the same files and time; override them to tell disks apart.
const (
	DefaultSize          = 64 << 20
	DefaultLabel         = "MANX-ESP"
	DefaultVolumeID      = 0x4D414E58 // "MANX"
	DefaultDiskGUID      = "6D616E78-0000-4000-8000-000000000001"
	DefaultPartitionGUID = "6D616E78-0000-4000-8000-000000000002"
	partitionName        = "EFI System Partition"
)

// Options tunes the image; the zero value gives the defaults above.
type Options struct {
	// Size is the image size in bytes, a multiple of 512 (default 64 MiB). With GPT
	// the partition is the disk minus 1 MiB in front and 33 sectors behind.
	Size int64
	// Superfloppy writes the bare FAT file system without a partition table.
	Superfloppy bool
	// HiddenSectors is, with Superfloppy, the first sector of the
	// partition the file system will sit in (the boot sector records it).
	HiddenSectors uint32
	// Label is the FAT volume label (at most 11 upper-case characters).
	Label string
	// VolumeID is the FAT volume serial number.
	VolumeID uint32
	// DiskGUID and PartitionGUID are the GPT disk and partition unique GUIDs.
	DiskGUID, PartitionGUID string
}

func (o Options) withDefaults() Options {
	if o.Size == 0 {
		o.Size = DefaultSize
	}
	if o.Label == "" {
		o.Label = DefaultLabel
	}
	if o.VolumeID == 0 {
		o.VolumeID = DefaultVolumeID
	}
	if o.DiskGUID == "" {
		o.DiskGUID = DefaultDiskGUID
	}
	if o.PartitionGUID == "" {
		o.PartitionGUID = DefaultPartitionGUID
	}
	return o
}

// Write writes a 64 MiB GPT disk image whose EFI System Partition holds files, keyed by
// slash-separated path (for example "EFI/BOOT/BOOTX64.EFI"); every timestamp is t
// (SOURCE_DATE_EPOCH).
func Write(w io.Writer, files map[string][]byte, t time.Time) error {
	return WriteImage(w, files, t, Options{})
}

// WriteImage writes an ESP image as configured by o.
func WriteImage(w io.Writer, files map[string][]byte, t time.Time, o Options) error {
	img, err := Build(files, t, o)
	if err != nil {
		return err
	}
	if _, err := w.Write(img); err != nil {
		return fmt.Errorf("writing ESP image: %w", err)
	}
	return nil
}

// Build returns an ESP image as configured by o.
func Build(files map[string][]byte, t time.Time, o Options) ([]byte, error) {
	o = o.withDefaults()
	if t.IsZero() {
		return nil, errors.New("building ESP: no time (SOURCE_DATE_EPOCH)")
	}
	if o.Size%sectorSize != 0 || o.Size < 34<<20 || o.Size > 2<<40 {
		return nil, fmt.Errorf("building ESP: size %d: want a multiple of 512 between 34 MiB and 2 TiB", o.Size)
	}
	img := make([]byte, o.Size)
	if o.Superfloppy {
		if err := formatFAT32(img, o.HiddenSectors, files, t, o.Label, o.VolumeID); err != nil {
			return nil, fmt.Errorf("building ESP: %w", err)
		}
		return img, nil
	}
	diskGUID, err := gpt.ParseGUID(o.DiskGUID)
	if err != nil {
		return nil, fmt.Errorf("building ESP: disk %w", err)
	}
	partGUID, err := gpt.ParseGUID(o.PartitionGUID)
	if err != nil {
		return nil, fmt.Errorf("building ESP: partition %w", err)
	}
	lastUsable := gpt.LastUsableLBA(uint64(o.Size / sectorSize))
	tab := gpt.Table{DiskGUID: diskGUID, Partitions: []gpt.Partition{
		{Type: gpt.TypeESP, GUID: partGUID, Name: partitionName, FirstLBA: PartitionStartLBA, LastLBA: lastUsable},
	}}
	if err := tab.Write(img); err != nil {
		return nil, fmt.Errorf("building ESP: %w", err)
	}
	vol := img[PartitionOffset : (lastUsable+1)*sectorSize]
	if err := formatFAT32(vol, PartitionStartLBA, files, t, o.Label, o.VolumeID); err != nil {
		return nil, fmt.Errorf("building ESP: %w", err)
	}
	return img, nil
}
