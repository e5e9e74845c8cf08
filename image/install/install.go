// Package install writes a verified update (manx/image/update) into the
// inactive A/B slot of the disk the running system booted from: the root
// and its hash device into the slot's partitions, then the slot's partition
// UUIDs (derived from the new root hash, manx/image/disk.RootUUIDs, which
// the new UKI's command line names) into the partition table. The caller
// installs the UKI on the ESP last, so a failed install leaves no entry
// that could boot the half-written slot.
//
// Standard library only (and Manx's own small packages): the guest links
// it.
package install

import (
	"fmt"
	"io"
	"regexp"

	"manx/image/disk"
	"manx/image/update"
	"manx/internal/gpt"
)

// Slot is one A/B slot's partitions.
type Slot struct {
	Name         string // "a" or "b"
	Root, Verity gpt.Partition
}

// Slots returns the disk's A and B slots, found by their labels.
func Slots(t gpt.Table) ([2]Slot, error) {
	labels := [2][2]string{{disk.LabelRootA, disk.LabelVerityA}, {disk.LabelRootB, disk.LabelVerityB}}
	var out [2]Slot
	for i, l := range labels {
		out[i].Name = string(rune('a' + i))
		found := 0
		for _, p := range t.Partitions {
			switch p.Name {
			case l[0]:
				out[i].Root, found = p, found+1
			case l[1]:
				out[i].Verity, found = p, found+1
			}
		}
		if found != 2 {
			return out, fmt.Errorf("install: no partitions %s and %s (or more than one)", l[0], l[1])
		}
	}
	return out, nil
}

// Inactive returns the slot the running root (whose root partition UUID is
// running) is not on.
func Inactive(t gpt.Table, running gpt.GUID) (Slot, error) {
	slots, err := Slots(t)
	if err != nil {
		return Slot{}, err
	}
	switch running {
	case slots[0].Root.GUID:
		return slots[1], nil
	case slots[1].Root.GUID:
		return slots[0], nil
	}
	return Slot{}, fmt.Errorf("install: the running root %s is in neither slot", running)
}

// tableRoot is the data device of the dm-verity table on a kernel command
// line (manx/image/disk.VerityCmdline).
var tableRoot = regexp.MustCompile(` verity 1 PARTUUID=([0-9a-f-]{36}) PARTUUID=`)

// RunningRoot returns the root partition UUID the command line's verity
// table names.
func RunningRoot(cmdline string) (gpt.GUID, error) {
	m := tableRoot.FindStringSubmatch(cmdline)
	if m == nil {
		return gpt.GUID{}, fmt.Errorf("install: no dm-verity root on the kernel command line")
	}
	return gpt.ParseGUID(m[1])
}

// Device is a disk opened for reading and writing.
type Device interface {
	io.ReaderAt
	io.WriterAt
	Sync() error
}

// Write puts b into slot s of the disk dev (size bytes, table t): the
// root and hash device first, synced, then the table with the slot's new
// partition UUIDs, synced. It returns the new table.
func Write(dev Device, size int64, t gpt.Table, s Slot, b *update.Bundle) (gpt.Table, error) {
	part := func(p gpt.Partition) int64 { return int64(p.LastLBA-p.FirstLBA+1) * gpt.SectorSize }
	if int64(len(b.Root)) > part(s.Root) || int64(len(b.Verity)) > part(s.Verity) {
		return t, fmt.Errorf("install: root %d bytes and hash device %d bytes; slot %s holds %d and %d",
			len(b.Root), len(b.Verity), s.Name, part(s.Root), part(s.Verity))
	}
	for _, w := range []struct {
		p    gpt.Partition
		data []byte
	}{{s.Root, b.Root}, {s.Verity, b.Verity}} {
		if _, err := dev.WriteAt(w.data, int64(w.p.FirstLBA)*gpt.SectorSize); err != nil {
			return t, fmt.Errorf("install: writing %s: %w", w.p.Name, err)
		}
	}
	if err := dev.Sync(); err != nil {
		return t, fmt.Errorf("install: %w", err)
	}
	rootID, verityID := disk.RootUUIDs(b.RootHash)
	nt := gpt.Table{DiskGUID: t.DiskGUID}
	for _, p := range t.Partitions {
		switch p.GUID {
		case s.Root.GUID:
			p.GUID = rootID
		case s.Verity.GUID:
			p.GUID = verityID
		}
		nt.Partitions = append(nt.Partitions, p)
	}
	if err := nt.WriteAt(dev, size); err != nil {
		return t, fmt.Errorf("install: %w", err)
	}
	if err := dev.Sync(); err != nil {
		return t, fmt.Errorf("install: %w", err)
	}
	return nt, nil
}
