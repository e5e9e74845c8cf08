package ovmf

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// FourGiB is the guest-physical address at which a -bios image ends: the image is
// mapped to [FourGiB−size, FourGiB).
const FourGiB = 1 << 32

// Sentinel errors for absent optional parts of an image; test with errors.Is.
var (
	// ErrNoSEVMetadata: the footer table has no SEV metadata entry.
	ErrNoSEVMetadata = errors.New("no SEV metadata in OVMF image")
	// ErrNoResetBlock: the footer table has no SEV-ES reset block.
	ErrNoResetBlock = errors.New("no SEV-ES reset block in OVMF image")
	// ErrNoHashTable: the footer table has no SEV hash-table entry, or its base is 0
	// (an OVMF build without measured direct boot support).
	ErrNoHashTable = errors.New("no SEV hash table area in OVMF image")
)

// Area is a guest-physical range given by a footer table entry.
type Area struct {
	GPA  uint32
	Size uint32
}

// Image is the parsed SEV information of an OVMF image.
type Image struct {
	// Size is the image size in bytes.
	Size int64
	// Entries are the footer GUID table entries in file order, the footer excluded.
	Entries []Entry
	// Metadata is the SEV metadata; nil when the table has no SEV metadata entry.
	Metadata *Metadata

	resetAddr    uint32
	hasResetAddr bool
	hashTable    Area
	hasHashTable bool
}

// Minimum data lengths of the entries Parse interprets.
const (
	metadataEntryLen   = 4 // u32 distance from EOF
	resetBlockEntryLen = 4 // u32 AP reset address
	areaEntryLen       = 8 // u32 base, u32 size
)

// Parse reads the footer GUID table of an OVMF image of the given size, and the SEV
// metadata, SEV-ES reset block and hash-table entries if present. An image without
// the footer table yields an error wrapping ErrNoFooterTable; a malformed table,
// metadata block or entry is an error naming the part.
func Parse(r io.ReaderAt, size int64) (*Image, error) {
	if size < 0 {
		return nil, fmt.Errorf("parsing OVMF image: negative size %d", size)
	}
	entries, err := parseFooterTable(r, size)
	if err != nil {
		return nil, fmt.Errorf("parsing OVMF footer table: %w", err)
	}
	img := &Image{Size: size, Entries: entries}
	for _, e := range entries {
		switch e.GUID {
		case GUIDSEVMetadata:
			if len(e.Data) < metadataEntryLen {
				return nil, fmt.Errorf("parsing SEV metadata: entry %s has %d bytes of data, want at least %d", e.GUID, len(e.Data), metadataEntryLen)
			}
			md, err := parseMetadata(r, size, binary.LittleEndian.Uint32(e.Data))
			if err != nil {
				return nil, fmt.Errorf("parsing SEV metadata: %w", err)
			}
			img.Metadata = md
		case GUIDSEVESResetBlock:
			if len(e.Data) < resetBlockEntryLen {
				return nil, fmt.Errorf("parsing SEV-ES reset block: entry %s has %d bytes of data, want at least %d", e.GUID, len(e.Data), resetBlockEntryLen)
			}
			img.resetAddr = binary.LittleEndian.Uint32(e.Data)
			img.hasResetAddr = true
		case GUIDSEVHashTable:
			if len(e.Data) < areaEntryLen {
				return nil, fmt.Errorf("parsing SEV hash table entry: entry %s has %d bytes of data, want at least %d", e.GUID, len(e.Data), areaEntryLen)
			}
			img.hashTable = Area{GPA: binary.LittleEndian.Uint32(e.Data), Size: binary.LittleEndian.Uint32(e.Data[4:])}
			img.hasHashTable = true
		}
	}
	return img, nil
}

// ParseBytes parses an image held in memory.
func ParseBytes(b []byte) (*Image, error) {
	return Parse(bytes.NewReader(b), int64(len(b)))
}

// BaseGPA is the guest-physical address of the first byte of the image when it is
// mapped to end at 4 GiB (QEMU -bios). It is meaningless for images over 4 GiB.
func (img *Image) BaseGPA() uint64 {
	return FourGiB - uint64(img.Size)
}

// Entry returns the footer table entry with GUID g.
func (img *Image) Entry(g GUID) (Entry, bool) {
	for _, e := range img.Entries {
		if e.GUID == g {
			return e, true
		}
	}
	return Entry{}, false
}

// Sections returns the SEV metadata sections in table order, or an error wrapping
// ErrNoSEVMetadata.
func (img *Image) Sections() ([]Section, error) {
	if img.Metadata == nil {
		return nil, ErrNoSEVMetadata
	}
	return img.Metadata.Sections, nil
}

// HasSection reports whether the SEV metadata lists a section of type t.
func (img *Image) HasSection(t SectionType) bool {
	if img.Metadata == nil {
		return false
	}
	for _, s := range img.Metadata.Sections {
		if s.Type == t {
			return true
		}
	}
	return false
}

// ResetAddress returns the SEV-ES AP reset address (the APs start with CS base
// addr&0xFFFF0000 and IP addr&0xFFFF), or an error wrapping ErrNoResetBlock.
func (img *Image) ResetAddress() (uint32, error) {
	if !img.hasResetAddr {
		return 0, ErrNoResetBlock
	}
	return img.resetAddr, nil
}

// HashTable returns the area reserved for the kernel/initrd/cmdline hash table, or
// an error wrapping ErrNoHashTable when the entry is missing or its base is 0.
func (img *Image) HashTable() (Area, error) {
	if !img.hasHashTable {
		return Area{}, ErrNoHashTable
	}
	if img.hashTable.GPA == 0 {
		return Area{}, fmt.Errorf("%w: entry %s has base 0", ErrNoHashTable, GUIDSEVHashTable)
	}
	return img.hashTable, nil
}
