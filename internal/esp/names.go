package esp

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
)

// Directory entry attributes and NT case flags (FAT spec §6; the case bits are the
// Windows NT extension Linux and edk2's FatPkg honour).
const (
	attrReadOnly  = 0x01
	attrVolumeID  = 0x08
	attrDirectory = 0x10
	attrArchive   = 0x20
	attrLFN       = 0x0F

	caseLowerBase = 0x08
	caseLowerExt  = 0x10
)

// invalidChars may not appear in any FAT name; shortInvalid additionally not in 8.3 names.
const (
	invalidChars = "\"*/:<>?\\|"
	shortInvalid = "+,;=[]. "
)

// checkName rejects names no FAT driver can store.
func checkName(n string) error {
	if n == "" || n == "." || n == ".." || len(utf16.Encode([]rune(n))) > 255 {
		return fmt.Errorf("invalid file name %q", n)
	}
	if strings.HasSuffix(n, ".") || strings.HasSuffix(n, " ") {
		return fmt.Errorf("file name %q ends with a dot or space", n)
	}
	for _, r := range n {
		if r < 0x20 || strings.ContainsRune(invalidChars, r) || r == 0x7f {
			return fmt.Errorf("file name %q contains %q", n, r)
		}
	}
	return nil
}

// shortName returns the 11-byte 8.3 name and NT case flags for n when n can be stored
// without a long-name entry: ASCII, base 1-8 and extension 0-3 characters of the
// allowed set, each part all upper or all lower case.
func shortName(n string) (name [11]byte, flags byte, ok bool) {
	base, ext, _ := strings.Cut(n, ".")
	if strings.Contains(ext, ".") || len(base) < 1 || len(base) > 8 || len(ext) > 3 || (ext == "" && strings.HasSuffix(n, ".")) {
		return name, 0, false
	}
	part := func(s string, dst []byte, lowerFlag byte) bool {
		up, low := strings.ToUpper(s), strings.ToLower(s)
		switch {
		case s == up:
		case s == low:
			flags |= lowerFlag
		default:
			return false
		}
		for i := 0; i < len(s); i++ {
			c := up[i]
			if c <= 0x20 || c >= 0x7f || strings.IndexByte(invalidChars+shortInvalid, c) >= 0 {
				return false
			}
			dst[i] = c
		}
		return true
	}
	for i := range name {
		name[i] = ' '
	}
	if !part(base, name[:8], caseLowerBase) || !part(ext, name[8:], caseLowerExt) {
		return name, 0, false
	}
	if name[0] == 0xE5 {
		name[0] = 0x05
	}
	return name, flags, true
}

// aliasName returns the n-th (1-based) NAME~N.EXT alias for a long name: upper-cased,
// characters not allowed in 8.3 names dropped, base truncated to make room for "~N".
func aliasName(long string, n int) [11]byte {
	clean := func(s string, max int) string {
		var b strings.Builder
		for _, r := range strings.ToUpper(s) {
			if r > 0x20 && r < 0x7f && !strings.ContainsRune(invalidChars+shortInvalid, r) {
				b.WriteRune(r)
			}
		}
		out := b.String()
		if len(out) > max {
			out = out[:max]
		}
		return out
	}
	base, ext := long, ""
	if i := strings.LastIndexByte(long, '.'); i > 0 {
		base, ext = long[:i], long[i+1:]
	}
	tail := "~" + strconv.Itoa(n)
	b := clean(base, 8-len(tail))
	if b == "" {
		b = "_"
	}
	var name [11]byte
	for i := range name {
		name[i] = ' '
	}
	copy(name[:8], b+tail)
	copy(name[8:], clean(ext, 3))
	return name
}

// lfnChecksum is the long-name checksum of a short name (FAT spec §7.2).
func lfnChecksum(short [11]byte) byte {
	var sum byte
	for _, c := range short {
		sum = (sum&1)<<7 + sum>>1 + c
	}
	return sum
}

// lfnEntries returns the long-name directory entries for long, in on-disk order (last
// part first), for the short name short.
func lfnEntries(long string, short [11]byte) [][32]byte {
	u := utf16.Encode([]rune(long))
	n := (len(u) + 12) / 13
	padded := make([]uint16, n*13)
	for i := range padded {
		switch {
		case i < len(u):
			padded[i] = u[i]
		case i == len(u):
			padded[i] = 0x0000
		default:
			padded[i] = 0xFFFF
		}
	}
	sum := lfnChecksum(short)
	out := make([][32]byte, 0, n)
	for seq := n; seq >= 1; seq-- {
		var e [32]byte
		e[0] = byte(seq)
		if seq == n {
			e[0] |= 0x40
		}
		e[11] = attrLFN
		e[13] = sum
		chars := padded[(seq-1)*13 : seq*13]
		offs := []int{1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30}
		for i, off := range offs {
			e[off] = byte(chars[i])
			e[off+1] = byte(chars[i] >> 8)
		}
		out = append(out, e)
	}
	return out
}
