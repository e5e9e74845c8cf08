package esp

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf16"
)

// FAT32 geometry choices.
const (
	reservedSectors = 32 // as mkfs.fat: boot sector, FSInfo, backup at 6 and 7
	numFATs         = 2
	fsInfoSector    = 1
	backupBoot      = 6
	rootCluster     = 2
	minFAT32        = 65525 // fewer clusters would make the volume FAT16 by definition
	eoc             = 0x0FFFFFFF
	dirEntrySize    = 32
	media           = 0xF8
)

// ErrNoSpace reports that the files do not fit the image.
var ErrNoSpace = errors.New("files do not fit the ESP")

// node is a file or directory of the tree to write.
type node struct {
	name     string
	dir      bool
	data     []byte
	children []*node // sorted by name (byte order)
	cluster  uint32  // first cluster (0 for empty files)
	clusters uint32
	short    [11]byte
	caseFlag byte
	long     bool // needs LFN entries
}

// buildTree turns "A/B/C" paths into a tree; directories are implied.
func buildTree(files map[string][]byte) (*node, error) {
	root := &node{dir: true}
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, p := range paths {
		parts := strings.Split(strings.Trim(p, "/"), "/")
		cur := root
		for i, part := range parts {
			if err := checkName(part); err != nil {
				return nil, fmt.Errorf("%s: %w", p, err)
			}
			last := i == len(parts)-1
			var next *node
			for _, c := range cur.children {
				if strings.EqualFold(c.name, part) {
					next = c
				}
			}
			switch {
			case next == nil:
				next = &node{name: part, dir: !last}
				if last {
					next.data = files[p]
				}
				cur.children = append(cur.children, next)
			case last || !next.dir:
				return nil, fmt.Errorf("%s: conflicts with another file or directory (FAT names are case-insensitive)", p)
			}
			cur = next
		}
	}
	var sortTree func(*node)
	sortTree = func(n *node) {
		slices.SortFunc(n.children, func(a, b *node) int { return strings.Compare(a.name, b.name) })
		for _, c := range n.children {
			sortTree(c)
		}
	}
	sortTree(root)
	return root, nil
}

// assignNames gives every child of dir its 8.3 name, adding NAME~N aliases for names
// that need long-name entries.
func assignNames(dir *node) {
	used := map[[11]byte]bool{}
	for _, c := range dir.children {
		if s, f, ok := shortName(c.name); ok {
			c.short, c.caseFlag = s, f
			used[s] = true
		}
	}
	for _, c := range dir.children {
		if _, _, ok := shortName(c.name); ok {
			continue
		}
		c.long = true
		for n := 1; ; n++ {
			s := aliasName(c.name, n)
			if !used[s] {
				c.short = s
				used[s] = true
				break
			}
		}
	}
	for _, c := range dir.children {
		if c.dir {
			assignNames(c)
		}
	}
}

// dirEntries returns the number of 32-byte entries directory d needs.
func dirEntries(d *node, isRoot bool) int {
	n := 2 // "." and ".." (root: volume label + end marker slack)
	for _, c := range d.children {
		n++
		if c.long {
			n += (len(utf16.Encode([]rune(c.name))) + 12) / 13
		}
	}
	if isRoot {
		n = n - 2 + 1 // no dot entries, one volume label
	}
	return n
}

// fat is a FAT32 volume being written into vol.
type fat struct {
	vol          []byte
	spc          uint32 // sectors per cluster
	fatSectors   uint32
	dataStart    uint32 // first data sector
	clusterCount uint32
	next         uint32 // next free cluster
	fat          []uint32
	stamp        dosTime
}

func (f *fat) clusterBytes() uint32 { return f.spc * sectorSize }

func (f *fat) clusterOffset(c uint32) int {
	return int(f.dataStart+(c-2)*f.spc) * sectorSize
}

// alloc reserves a contiguous chain of n clusters and returns its first cluster.
func (f *fat) alloc(n uint32) (uint32, error) {
	if n == 0 {
		return 0, nil
	}
	if f.next+n > f.clusterCount+2 {
		return 0, ErrNoSpace
	}
	first := f.next
	for i := range n {
		c := first + i
		if i == n-1 {
			f.fat[c] = eoc
		} else {
			f.fat[c] = c + 1
		}
	}
	f.next += n
	return first, nil
}

// allocate assigns clusters depth-first: a directory, then its children in name order.
func (f *fat) allocate(d *node, isRoot bool) error {
	cb := f.clusterBytes()
	size := uint32(dirEntries(d, isRoot)) * dirEntrySize
	d.clusters = max(1, (size+cb-1)/cb)
	var err error
	if d.cluster, err = f.alloc(d.clusters); err != nil {
		return err
	}
	for _, c := range d.children {
		if c.dir {
			if err := f.allocate(c, false); err != nil {
				return err
			}
			continue
		}
		if uint64(len(c.data)) > 0xFFFFFFFF {
			return fmt.Errorf("%s: larger than 4 GiB", c.name)
		}
		c.clusters = (uint32(len(c.data)) + cb - 1) / cb
		if c.cluster, err = f.alloc(c.clusters); err != nil {
			return err
		}
	}
	return nil
}

// write stores directory d and everything below it.
func (f *fat) write(d *node, parent uint32, isRoot bool, label [11]byte) {
	var entries [][32]byte
	if isRoot {
		entries = append(entries, f.entry(label, 0, attrVolumeID, 0, 0))
	} else {
		dot := [11]byte{'.', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '}
		dotdot := [11]byte{'.', '.', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' ', ' '}
		entries = append(entries, f.entry(dot, 0, attrDirectory, d.cluster, 0))
		entries = append(entries, f.entry(dotdot, 0, attrDirectory, parent, 0)) // 0 for the root
	}
	for _, c := range d.children {
		if c.long {
			entries = append(entries, lfnEntries(c.name, c.short)...)
		}
		if c.dir {
			entries = append(entries, f.entry(c.short, c.caseFlag, attrDirectory, c.cluster, 0))
		} else {
			entries = append(entries, f.entry(c.short, c.caseFlag, attrArchive, c.cluster, uint32(len(c.data))))
		}
	}
	off := f.clusterOffset(d.cluster)
	for i, e := range entries {
		copy(f.vol[off+i*dirEntrySize:], e[:])
	}
	self := d.cluster
	if isRoot {
		self = 0 // ".." entries of top-level directories point to cluster 0
	}
	for _, c := range d.children {
		if c.dir {
			f.write(c, self, false, label)
		} else if len(c.data) > 0 {
			copy(f.vol[f.clusterOffset(c.cluster):], c.data)
		}
	}
}

// entry returns a short directory entry stamped with the volume time.
func (f *fat) entry(name [11]byte, caseFlag, attr byte, cluster, size uint32) [32]byte {
	var e [32]byte
	copy(e[:11], name[:])
	e[11] = attr
	if attr == attrVolumeID {
		binary.LittleEndian.PutUint16(e[22:], f.stamp.time)
		binary.LittleEndian.PutUint16(e[24:], f.stamp.date)
		return e
	}
	e[12] = caseFlag
	e[13] = f.stamp.tenths
	binary.LittleEndian.PutUint16(e[14:], f.stamp.time)
	binary.LittleEndian.PutUint16(e[16:], f.stamp.date)
	binary.LittleEndian.PutUint16(e[18:], f.stamp.date)
	binary.LittleEndian.PutUint16(e[20:], uint16(cluster>>16))
	binary.LittleEndian.PutUint16(e[22:], f.stamp.time)
	binary.LittleEndian.PutUint16(e[24:], f.stamp.date)
	binary.LittleEndian.PutUint16(e[26:], uint16(cluster))
	binary.LittleEndian.PutUint32(e[28:], size)
	return e
}

// dosTime is a FAT timestamp.
type dosTime struct {
	date, time uint16
	tenths     byte // creation time, 10 ms units 0-199
}

// toDOS converts t (UTC) to a FAT timestamp, clamped to 1980-01-01..2107-12-31.
func toDOS(t time.Time) dosTime {
	t = t.UTC()
	lo := time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	hi := time.Date(2107, 12, 31, 23, 59, 58, 0, time.UTC)
	if t.Before(lo) {
		t = lo
	}
	if t.After(hi) {
		t = hi
	}
	return dosTime{
		date:   uint16((t.Year()-1980)<<9 | int(t.Month())<<5 | t.Day()),
		time:   uint16(t.Hour()<<11 | t.Minute()<<5 | t.Second()/2),
		tenths: byte(t.Second()%2*100 + t.Nanosecond()/10_000_000),
	}
}

// formatFAT32 writes a FAT32 file system holding files into vol (the whole partition).
// hidden is the partition's starting LBA, recorded in the BPB.
func formatFAT32(vol []byte, hidden uint32, files map[string][]byte, t time.Time, label string, volumeID uint32) error {
	total := uint32(len(vol) / sectorSize)
	root, err := buildTree(files)
	if err != nil {
		return err
	}
	assignNames(root)
	lbl, err := volumeLabel(label)
	if err != nil {
		return err
	}

	// Largest cluster size (up to 4 KiB) that still gives a FAT32-sized cluster count.
	f := &fat{vol: vol, stamp: toDOS(t), next: rootCluster}
	for spc := uint32(8); spc >= 1; spc /= 2 {
		fatSectors := ((total-reservedSectors)/spc + 2 + sectorSize/4 - 1) / (sectorSize / 4)
		clusters := (total - reservedSectors - numFATs*fatSectors) / spc
		if clusters >= minFAT32 || spc == 1 {
			f.spc, f.fatSectors, f.clusterCount = spc, fatSectors, clusters
			break
		}
	}
	if f.clusterCount < minFAT32 {
		return fmt.Errorf("partition of %d sectors is too small for FAT32 (%d clusters, need %d)", total, f.clusterCount, minFAT32)
	}
	f.dataStart = reservedSectors + numFATs*f.fatSectors
	f.fat = make([]uint32, f.clusterCount+2)
	f.fat[0] = 0x0FFFFF00 | media
	f.fat[1] = eoc

	if err := f.allocate(root, true); err != nil {
		return err
	}
	if root.cluster != rootCluster {
		return fmt.Errorf("root directory at cluster %d, want %d", root.cluster, rootCluster)
	}
	f.write(root, 0, true, lbl)

	for i := range numFATs {
		off := int(reservedSectors+uint32(i)*f.fatSectors) * sectorSize
		for c, v := range f.fat {
			binary.LittleEndian.PutUint32(vol[off+4*c:], v)
		}
	}
	bs := f.bootSector(hidden, total, lbl, volumeID)
	copy(vol[0:], bs)
	copy(vol[backupBoot*sectorSize:], bs)
	fsi := f.fsInfo()
	copy(vol[fsInfoSector*sectorSize:], fsi)
	copy(vol[(backupBoot+fsInfoSector)*sectorSize:], fsi)
	return nil
}

// bootSector returns the FAT32 boot sector (FAT spec §3.1, §3.3).
func (f *fat) bootSector(hidden, total uint32, label [11]byte, volumeID uint32) []byte {
	b := make([]byte, sectorSize)
	copy(b, []byte{0xEB, 0x58, 0x90})
	copy(b[3:], "MSWIN4.1")
	binary.LittleEndian.PutUint16(b[11:], sectorSize)
	b[13] = byte(f.spc)
	binary.LittleEndian.PutUint16(b[14:], reservedSectors)
	b[16] = numFATs
	b[21] = media
	binary.LittleEndian.PutUint16(b[24:], 63)  // sectors per track (CHS, unused)
	binary.LittleEndian.PutUint16(b[26:], 255) // heads (CHS, unused)
	binary.LittleEndian.PutUint32(b[28:], hidden)
	binary.LittleEndian.PutUint32(b[32:], total)
	binary.LittleEndian.PutUint32(b[36:], f.fatSectors)
	binary.LittleEndian.PutUint32(b[44:], rootCluster)
	binary.LittleEndian.PutUint16(b[48:], fsInfoSector)
	binary.LittleEndian.PutUint16(b[50:], backupBoot)
	b[64] = 0x80
	b[66] = 0x29
	binary.LittleEndian.PutUint32(b[67:], volumeID)
	copy(b[71:], label[:])
	copy(b[82:], "FAT32   ")
	// Not bootable: int 18h ("no bootable disk") at the jump target.
	copy(b[0x5A:], []byte{0xCD, 0x18})
	b[510], b[511] = 0x55, 0xAA
	return b
}

// fsInfo returns the FSInfo sector with exact free-cluster bookkeeping.
func (f *fat) fsInfo() []byte {
	b := make([]byte, sectorSize)
	binary.LittleEndian.PutUint32(b[0:], 0x41615252)
	binary.LittleEndian.PutUint32(b[484:], 0x61417272)
	binary.LittleEndian.PutUint32(b[488:], f.clusterCount+2-f.next)
	binary.LittleEndian.PutUint32(b[492:], f.next)
	binary.LittleEndian.PutUint32(b[508:], 0xAA550000)
	return b
}

// volumeLabel returns the 11-byte label: upper-case ASCII, no FAT-invalid characters.
func volumeLabel(s string) ([11]byte, error) {
	var l [11]byte
	for i := range l {
		l[i] = ' '
	}
	if len(s) == 0 || len(s) > 11 {
		return l, fmt.Errorf("volume label %q: want 1 to 11 characters", s)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || strings.IndexByte(invalidChars+"+,;=[].", c) >= 0 || (c >= 'a' && c <= 'z') {
			return l, fmt.Errorf("volume label %q: only upper-case ASCII letters, digits, space, - and _ style characters", s)
		}
		l[i] = c
	}
	return l, nil
}
