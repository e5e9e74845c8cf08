package gpt

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
)

// GUID is a GUID in the byte order it is printed in.
type GUID [16]byte

// ParseGUID parses xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx (any case).
func ParseGUID(s string) (GUID, error) {
	var g GUID
	parts := strings.Split(s, "-")
	if len(parts) != 5 || len(parts[0]) != 8 || len(parts[1]) != 4 || len(parts[2]) != 4 || len(parts[3]) != 4 || len(parts[4]) != 12 {
		return g, fmt.Errorf("GUID %q: want xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", s)
	}
	raw, err := hex.DecodeString(strings.Join(parts, ""))
	if err != nil {
		return g, fmt.Errorf("GUID %q: %w", s, err)
	}
	copy(g[:], raw)
	return g, nil
}

// MustGUID is ParseGUID for constants.
func MustGUID(s string) GUID {
	g, err := ParseGUID(s)
	if err != nil {
		panic(err)
	}
	return g
}

// String prints g in lower case.
func (g GUID) String() string {
	h := hex.EncodeToString(g[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// IsZero reports whether g is all zeros (an unused entry's type).
func (g GUID) IsZero() bool { return g == GUID{} }

// mixed is g's on-disk encoding: the first three fields little-endian.
func (g GUID) mixed() [16]byte {
	var m [16]byte
	binary.LittleEndian.PutUint32(m[0:], binary.BigEndian.Uint32(g[0:]))
	binary.LittleEndian.PutUint16(m[4:], binary.BigEndian.Uint16(g[4:]))
	binary.LittleEndian.PutUint16(m[6:], binary.BigEndian.Uint16(g[6:]))
	copy(m[8:], g[8:])
	return m
}

// fromMixed decodes the on-disk encoding.
func fromMixed(m []byte) GUID {
	var g GUID
	binary.BigEndian.PutUint32(g[0:], binary.LittleEndian.Uint32(m[0:]))
	binary.BigEndian.PutUint16(g[4:], binary.LittleEndian.Uint16(m[4:]))
	binary.BigEndian.PutUint16(g[6:], binary.LittleEndian.Uint16(m[6:]))
	copy(g[8:], m[8:16])
	return g
}

// Partition type GUIDs (the UAPI Discoverable Partitions Specification).
var (
	TypeESP              = MustGUID("c12a7328-f81f-11d2-ba4b-00a0c93ec93b")
	TypeRootX86_64       = MustGUID("4f68bce3-e8cd-4db1-96e7-fbcaf984b709")
	TypeRootX86_64Verity = MustGUID("2c7357ed-ebd2-46d9-aec1-23d437ec2bf5")
	TypeRootARM64        = MustGUID("b921b045-1df0-41c3-af44-4c6f280d3fae")
	TypeRootARM64Verity  = MustGUID("df3300ce-d69f-4c92-978c-9bfb0f38d820")
)

// Partition attribute bits systemd reads (DPS).
const (
	AttrReadOnly uint64 = 1 << 60
	AttrNoAuto   uint64 = 1 << 63
	AttrGrowFS   uint64 = 1 << 59
)
