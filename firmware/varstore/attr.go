package varstore

import (
	"fmt"
	"strings"
)

// Attr holds EFI_VARIABLE_* attribute bits.
type Attr uint32

// Attribute bits (UEFI 2.10 §8.2).
const (
	AttrNonVolatile                       Attr = 0x01 // NV
	AttrBootserviceAccess                 Attr = 0x02 // BS
	AttrRuntimeAccess                     Attr = 0x04 // RT
	AttrHardwareErrorRecord               Attr = 0x08 // HR
	AttrAuthenticatedWriteAccess          Attr = 0x10 // AW, deprecated
	AttrTimeBasedAuthenticatedWriteAccess Attr = 0x20 // AT
	AttrAppendWrite                       Attr = 0x40 // AP
	AttrEnhancedAuthenticatedAccess       Attr = 0x80 // EA

	// AttrSecureBootKeys (0x27, NV|BS|RT|AT) is what PK, KEK, db and dbx
	// must carry; QEMU's uefi-vars refuses anything else for them.
	AttrSecureBootKeys = AttrNonVolatile | AttrBootserviceAccess | AttrRuntimeAccess | AttrTimeBasedAuthenticatedWriteAccess
	// AttrNVBS (0x03) is what SecureBootEnable and CustomMode carry.
	AttrNVBS = AttrNonVolatile | AttrBootserviceAccess
)

var attrNames = []struct {
	bit  Attr
	name string
}{
	{AttrNonVolatile, "NV"},
	{AttrBootserviceAccess, "BS"},
	{AttrRuntimeAccess, "RT"},
	{AttrHardwareErrorRecord, "HR"},
	{AttrAuthenticatedWriteAccess, "AW"},
	{AttrTimeBasedAuthenticatedWriteAccess, "AT"},
	{AttrAppendWrite, "AP"},
	{AttrEnhancedAuthenticatedAccess, "EA"},
}

// String returns e.g. "0x27 NV|BS|RT|AT"; unknown bits are printed in hex.
func (a Attr) String() string {
	var parts []string
	rest := a
	for _, n := range attrNames {
		if a&n.bit != 0 {
			parts = append(parts, n.name)
			rest &^= n.bit
		}
	}
	if rest != 0 {
		parts = append(parts, fmt.Sprintf("%#x", uint32(rest)))
	}
	if len(parts) == 0 {
		return "0x00"
	}
	return fmt.Sprintf("0x%02x %s", uint32(a), strings.Join(parts, "|"))
}

// TimeBased reports whether a has the time-based authenticated write bit.
func (a Attr) TimeBased() bool { return a&AttrTimeBasedAuthenticatedWriteAccess != 0 }
