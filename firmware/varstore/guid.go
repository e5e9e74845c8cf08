package varstore

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"

	"github.com/foxboron/go-uefi/efi/util"
)

// GUID is an EFI GUID as go-uefi models it (Data1..Data4). On disk it is
// mixed-endian: Data1, Data2, Data3 little-endian, Data4 as is. go-uefi's
// GUIDToBytes/WriteGUID are big-endian and must not be used for the store.
type GUID = util.EFIGUID

// guidLen is the encoded size of a GUID.
const guidLen = 16

// ParseGUID parses the canonical text form "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
// (either case), as QEMU's JSON and the UEFI specification write it.
func ParseGUID(s string) (GUID, error) {
	if len(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
		return GUID{}, fmt.Errorf("GUID %q: want the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", s)
	}
	h := s[0:8] + s[9:13] + s[14:18] + s[19:23] + s[24:36]
	b, err := hex.DecodeString(h)
	if err != nil {
		return GUID{}, fmt.Errorf("GUID %q: %w", s, err)
	}
	var g GUID
	g.Data1 = binary.BigEndian.Uint32(b[0:4])
	g.Data2 = binary.BigEndian.Uint16(b[4:6])
	g.Data3 = binary.BigEndian.Uint16(b[6:8])
	copy(g.Data4[:], b[8:16])
	return g, nil
}

// FormatGUID returns the canonical lower-case text form of g.
func FormatGUID(g GUID) string {
	return fmt.Sprintf("%08x-%04x-%04x-%x-%x", g.Data1, g.Data2, g.Data3, g.Data4[:2], g.Data4[2:])
}

// putGUID writes g in on-disk (mixed-endian) order into b[0:16].
func putGUID(b []byte, g GUID) {
	binary.LittleEndian.PutUint32(b[0:4], g.Data1)
	binary.LittleEndian.PutUint16(b[4:6], g.Data2)
	binary.LittleEndian.PutUint16(b[6:8], g.Data3)
	copy(b[8:16], g.Data4[:])
}

// getGUID reads an on-disk (mixed-endian) GUID from b[0:16].
func getGUID(b []byte) GUID {
	var g GUID
	g.Data1 = binary.LittleEndian.Uint32(b[0:4])
	g.Data2 = binary.LittleEndian.Uint16(b[4:6])
	g.Data3 = binary.LittleEndian.Uint16(b[6:8])
	copy(g.Data4[:], b[8:16])
	return g
}
