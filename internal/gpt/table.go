package gpt

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"unicode/utf16"
)

// Layout constants: 512-byte sectors, 128 entries of 128 bytes.
const (
	SectorSize   = 512
	entries      = 128
	entrySize    = 128
	entrySectors = entries * entrySize / SectorSize // 32
	headerSize   = 92
	// FirstUsableLBA is the first sector a partition may use.
	FirstUsableLBA = 2 + entrySectors
	// MaxNameUnits is the longest partition name, in UTF-16 code units.
	MaxNameUnits = 36
)

var signature = []byte("EFI PART")

// Partition is one partition entry.
type Partition struct {
	Type       GUID
	GUID       GUID // unique partition GUID (PARTUUID)
	Name       string
	FirstLBA   uint64
	LastLBA    uint64 // inclusive
	Attributes uint64
	// Number is the 1-based entry number Read found it at (the kernel's
	// partition number); Write puts the entry there, or, when 0, at its
	// index in Table.Partitions.
	Number int
}

// Table is a partition table.
type Table struct {
	DiskGUID   GUID
	Partitions []Partition // in entry order; at most 128
}

// LastUsableLBA is the last sector a partition may use on a disk of the
// given number of sectors.
func LastUsableLBA(sectors uint64) uint64 { return sectors - 2 - entrySectors }

// Write writes t into disk (whose length is the disk size, a multiple of
// SectorSize): the protective MBR in sector 0, the primary header and
// entries in sectors 1 to 33, the backup entries and header in the last 33
// sectors. Partition contents are not touched.
func (t Table) Write(disk []byte) error {
	if len(disk)%SectorSize != 0 || len(disk) < (FirstUsableLBA+entrySectors+2)*SectorSize {
		return fmt.Errorf("gpt: disk of %d bytes: want a multiple of %d, at least %d sectors", len(disk), SectorSize, FirstUsableLBA+entrySectors+2)
	}
	head, tail, err := t.metadata(uint64(len(disk) / SectorSize))
	if err != nil {
		return err
	}
	copy(disk, head)
	copy(disk[len(disk)-len(tail):], tail)
	return nil
}

// WriteAt writes t onto a disk of the given size in bytes through w (a
// block device, say): only the table's sectors, the first 34 and the last
// 33.
func (t Table) WriteAt(w io.WriterAt, size int64) error {
	if size%SectorSize != 0 || size < (FirstUsableLBA+entrySectors+2)*SectorSize {
		return fmt.Errorf("gpt: disk of %d bytes: want a multiple of %d, at least %d sectors", size, SectorSize, FirstUsableLBA+entrySectors+2)
	}
	head, tail, err := t.metadata(uint64(size / SectorSize))
	if err != nil {
		return err
	}
	// The backup first: a torn write leaves the old primary, which
	// firmware and kernel read first, intact.
	if _, err := w.WriteAt(tail, size-int64(len(tail))); err != nil {
		return fmt.Errorf("gpt: writing the backup table: %w", err)
	}
	if _, err := w.WriteAt(head, 0); err != nil {
		return fmt.Errorf("gpt: writing the primary table: %w", err)
	}
	return nil
}

// metadata returns the first 34 sectors (protective MBR, primary header
// and entries) and the last 33 (backup entries and header) of t on a disk
// of the given number of sectors.
func (t Table) metadata(sectors uint64) (head, tail []byte, err error) {
	last := sectors - 1
	lastUsable := LastUsableLBA(sectors)
	if err := t.validate(lastUsable); err != nil {
		return nil, nil, err
	}
	head = make([]byte, FirstUsableLBA*SectorSize)
	tail = make([]byte, (entrySectors+1)*SectorSize)

	// Protective MBR (UEFI §5.2.3).
	mbr := head[:SectorSize]
	pe := mbr[446:462]
	pe[1], pe[2], pe[3] = 0x00, 0x02, 0x00 // CHS of LBA 1
	pe[4] = 0xEE
	pe[5], pe[6], pe[7] = 0xFF, 0xFF, 0xFF
	binary.LittleEndian.PutUint32(pe[8:], 1)
	binary.LittleEndian.PutUint32(pe[12:], uint32(min(sectors-1, 0xFFFFFFFF)))
	mbr[510], mbr[511] = 0x55, 0xAA

	ents := make([]byte, entries*entrySize)
	for i, p := range t.Partitions {
		if p.Number > 0 {
			i = p.Number - 1 // where Read found it
		}
		e := ents[i*entrySize:]
		ty, id := p.Type.mixed(), p.GUID.mixed()
		copy(e[0:], ty[:])
		copy(e[16:], id[:])
		binary.LittleEndian.PutUint64(e[32:], p.FirstLBA)
		binary.LittleEndian.PutUint64(e[40:], p.LastLBA)
		binary.LittleEndian.PutUint64(e[48:], p.Attributes)
		for j, c := range utf16.Encode([]rune(p.Name)) {
			binary.LittleEndian.PutUint16(e[56+2*j:], c)
		}
	}
	crc := crc32.ChecksumIEEE(ents)
	copy(head[2*SectorSize:], ents)
	copy(tail, ents)

	disk0 := t.DiskGUID.mixed()
	header := func(my, alternate, entriesLBA uint64) []byte {
		h := make([]byte, SectorSize)
		copy(h, signature)
		binary.LittleEndian.PutUint32(h[8:], 0x00010000)
		binary.LittleEndian.PutUint32(h[12:], headerSize)
		binary.LittleEndian.PutUint64(h[24:], my)
		binary.LittleEndian.PutUint64(h[32:], alternate)
		binary.LittleEndian.PutUint64(h[40:], FirstUsableLBA)
		binary.LittleEndian.PutUint64(h[48:], lastUsable)
		copy(h[56:], disk0[:])
		binary.LittleEndian.PutUint64(h[72:], entriesLBA)
		binary.LittleEndian.PutUint32(h[80:], entries)
		binary.LittleEndian.PutUint32(h[84:], entrySize)
		binary.LittleEndian.PutUint32(h[88:], crc)
		binary.LittleEndian.PutUint32(h[16:], crc32.ChecksumIEEE(h[:headerSize]))
		return h
	}
	copy(head[1*SectorSize:], header(1, last, 2))
	copy(tail[entrySectors*SectorSize:], header(last, 1, lastUsable+1))
	return head, tail, nil
}

// validate checks t's partitions against the usable range: non-empty
// types, in range, not overlapping, names that fit.
func (t Table) validate(lastUsable uint64) error {
	if len(t.Partitions) > entries {
		return fmt.Errorf("gpt: %d partitions, at most %d", len(t.Partitions), entries)
	}
	slots := map[int]bool{}
	for i, p := range t.Partitions {
		n := i + 1
		if p.Number != 0 {
			n = p.Number
		}
		if n < 1 || n > entries || slots[n] {
			return fmt.Errorf("gpt: partition %d (%q): entry number %d taken or out of range", i+1, p.Name, n)
		}
		slots[n] = true
	}
	for i, p := range t.Partitions {
		if p.Type.IsZero() {
			return fmt.Errorf("gpt: partition %d (%q): no type GUID", i+1, p.Name)
		}
		if p.FirstLBA < FirstUsableLBA || p.LastLBA > lastUsable || p.FirstLBA > p.LastLBA {
			return fmt.Errorf("gpt: partition %d (%q): sectors %d-%d outside the usable %d-%d", i+1, p.Name, p.FirstLBA, p.LastLBA, FirstUsableLBA, lastUsable)
		}
		if n := len(utf16.Encode([]rune(p.Name))); n > MaxNameUnits {
			return fmt.Errorf("gpt: partition %d: name %q is %d UTF-16 units, at most %d", i+1, p.Name, n, MaxNameUnits)
		}
		for j, q := range t.Partitions[:i] {
			if p.FirstLBA <= q.LastLBA && q.FirstLBA <= p.LastLBA {
				return fmt.Errorf("gpt: partitions %d (%q) and %d (%q) overlap", j+1, q.Name, i+1, p.Name)
			}
		}
	}
	return nil
}

// Read reads the primary table of the disk r: it checks the signature,
// both CRC32s and the entry geometry, and returns the used entries (a
// non-zero type) in entry order.
func Read(r io.ReaderAt) (Table, error) {
	h := make([]byte, SectorSize)
	if _, err := r.ReadAt(h, SectorSize); err != nil {
		return Table{}, fmt.Errorf("gpt: reading the header: %w", err)
	}
	if !bytes.Equal(h[:8], signature) {
		return Table{}, errors.New("gpt: no \"EFI PART\" signature in sector 1")
	}
	hs := binary.LittleEndian.Uint32(h[12:])
	if hs < headerSize || hs > SectorSize {
		return Table{}, fmt.Errorf("gpt: header size %d", hs)
	}
	want := binary.LittleEndian.Uint32(h[16:])
	hc := bytes.Clone(h[:hs])
	binary.LittleEndian.PutUint32(hc[16:], 0)
	if got := crc32.ChecksumIEEE(hc); got != want {
		return Table{}, fmt.Errorf("gpt: header CRC32 %08x, stored %08x", got, want)
	}
	n := binary.LittleEndian.Uint32(h[80:])
	size := binary.LittleEndian.Uint32(h[84:])
	if size < entrySize || size > 4096 || size%8 != 0 || n == 0 || n > 1024 {
		return Table{}, fmt.Errorf("gpt: %d entries of %d bytes", n, size)
	}
	ents := make([]byte, int(n)*int(size))
	lba := binary.LittleEndian.Uint64(h[72:])
	if lba == 0 || lba > 1<<40 {
		return Table{}, fmt.Errorf("gpt: entries at sector %d", lba)
	}
	if _, err := r.ReadAt(ents, int64(lba)*SectorSize); err != nil {
		return Table{}, fmt.Errorf("gpt: reading the entries: %w", err)
	}
	if got, want := crc32.ChecksumIEEE(ents), binary.LittleEndian.Uint32(h[88:]); got != want {
		return Table{}, fmt.Errorf("gpt: entries CRC32 %08x, stored %08x", got, want)
	}
	t := Table{DiskGUID: fromMixed(h[56:72])}
	for i := range int(n) {
		e := ents[i*int(size):]
		ty := fromMixed(e[0:16])
		if ty.IsZero() {
			continue
		}
		units := make([]uint16, 0, MaxNameUnits)
		for j := range MaxNameUnits {
			c := binary.LittleEndian.Uint16(e[56+2*j:])
			if c == 0 {
				break
			}
			units = append(units, c)
		}
		t.Partitions = append(t.Partitions, Partition{
			Type: ty, GUID: fromMixed(e[16:32]), Name: string(utf16.Decode(units)),
			FirstLBA: binary.LittleEndian.Uint64(e[32:]), LastLBA: binary.LittleEndian.Uint64(e[40:]),
			Attributes: binary.LittleEndian.Uint64(e[48:]), Number: i + 1,
		})
	}
	return t, nil
}

// Find returns the partition whose unique GUID is id, or false.
func (t Table) Find(id GUID) (Partition, bool) {
	for _, p := range t.Partitions {
		if p.GUID == id {
			return p, true
		}
	}
	return Partition{}, false
}
