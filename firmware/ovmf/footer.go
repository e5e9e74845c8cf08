package ovmf

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Footer table geometry, counted back from the end of the image. The table ends 32
// bytes before EOF (the reset vector sits there); its last entry is the footer
// itself, so its u16 length is at EOF−50 and its GUID at EOF−48.
const (
	footerEndGap  = 32
	entryHeadSize = 2 + 16 // u16 length + GUID, after the entry's data
	minImageSize  = footerEndGap + entryHeadSize
)

// ErrNoFooterTable reports an image without the OVMF footer GUID table, i.e. one
// that was not built with SEV support (or is not OVMF at all).
var ErrNoFooterTable = errors.New("no OVMF footer GUID table")

// Entry is one entry of the footer GUID table.
type Entry struct {
	GUID GUID
	// Offset is the file offset of Data.
	Offset int64
	Data   []byte
}

// parseFooterTable reads the footer GUID table of an image of the given size and
// returns its entries in file order (the footer itself not included).
func parseFooterTable(r io.ReaderAt, size int64) ([]Entry, error) {
	if size < minImageSize {
		return nil, fmt.Errorf("%w: image of %d bytes is smaller than the %d-byte footer", ErrNoFooterTable, size, minImageSize)
	}
	footerOff := size - footerEndGap - entryHeadSize
	head, err := readAt(r, footerOff, entryHeadSize)
	if err != nil {
		return nil, fmt.Errorf("reading footer: %w", err)
	}
	var g GUID
	copy(g[:], head[2:])
	if g != GUIDFooter {
		return nil, fmt.Errorf("%w: footer GUID %s at offset %#x, want %s", ErrNoFooterTable, g, footerOff+2, GUIDFooter)
	}
	total := int64(binary.LittleEndian.Uint16(head))
	if total < entryHeadSize {
		return nil, fmt.Errorf("footer table length %d is smaller than the footer entry (%d bytes)", total, entryHeadSize)
	}
	tableLen := total - entryHeadSize
	if tableLen > footerOff {
		return nil, fmt.Errorf("footer table length %d reaches before the start of the %d-byte image", total, size)
	}
	start := footerOff - tableLen
	table, err := readAt(r, start, tableLen)
	if err != nil {
		return nil, fmt.Errorf("reading footer table: %w", err)
	}

	// Walk backwards: each entry is data ‖ u16 length ‖ GUID, length covering all three.
	var rev []Entry
	seen := map[GUID]bool{}
	for end := int64(len(table)); end >= entryHeadSize; {
		n := int64(binary.LittleEndian.Uint16(table[end-entryHeadSize:]))
		copy(g[:], table[end-16:end])
		if n < entryHeadSize {
			return nil, fmt.Errorf("footer table entry %s at offset %#x: length %d is smaller than %d", g, start+end-entryHeadSize, n, entryHeadSize)
		}
		if n > end {
			return nil, fmt.Errorf("footer table entry %s at offset %#x: length %d runs past the start of the table", g, start+end-entryHeadSize, n)
		}
		if seen[g] {
			return nil, fmt.Errorf("footer table entry %s appears twice", g)
		}
		seen[g] = true
		dataOff := end - n
		rev = append(rev, Entry{GUID: g, Offset: start + dataOff, Data: table[dataOff : end-entryHeadSize : end-entryHeadSize]})
		end = dataOff
	}
	entries := make([]Entry, len(rev))
	for i, e := range rev {
		entries[len(rev)-1-i] = e
	}
	return entries, nil
}
