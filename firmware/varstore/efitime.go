package varstore

import (
	"encoding/binary"
	"fmt"
	"time"

	"github.com/foxboron/go-uefi/efi/util"
)

// EFITime is the 16-byte EFI_TIME of an authenticated variable, as go-uefi
// models it. Never fill it from go-uefi's NewEFITime (wall clock).
type EFITime = util.EFITime

// efiTimeLen is the encoded size of EFI_TIME.
const efiTimeLen = 16

// AuthTimeLimit returns the latest EFI_TIME New stores on PK, KEK, db and
// dbx: 2010-01-01 00:00:00 UTC.
// The stored time is the replay baseline for later signed updates, and
// Microsoft's signed KEK/db/dbx updates are dated 2010-03-06 19:17:21, so a
// later baseline would make the firmware refuse them (docs/varstore.md §2.2).
func AuthTimeLimit() time.Time { return authTimeLimit }

var authTimeLimit = time.Date(2010, time.January, 1, 0, 0, 0, 0, time.UTC)

// EFITimeFrom converts t (in UTC, whole seconds) to EFI_TIME with zero
// Nanosecond, TimeZone and Daylight, as authenticated variables require.
func EFITimeFrom(t time.Time) (EFITime, error) {
	t = t.UTC()
	if t.Year() < 1900 || t.Year() > 9999 {
		return EFITime{}, fmt.Errorf("time %s: EFI_TIME needs a year in 1900..9999", t.Format(time.RFC3339))
	}
	return EFITime{
		Year:   uint16(t.Year()),
		Month:  uint8(t.Month()),
		Day:    uint8(t.Day()),
		Hour:   uint8(t.Hour()),
		Minute: uint8(t.Minute()),
		Second: uint8(t.Second()),
	}, nil
}

// authTime returns the EFI_TIME New stores for authenticated variables:
// t, but no later than AuthTimeLimit.
func authTime(t time.Time) (EFITime, error) {
	if t.IsZero() {
		return EFITime{}, fmt.Errorf("zero build time: pass SOURCE_DATE_EPOCH")
	}
	if t.After(authTimeLimit) {
		t = authTimeLimit
	}
	return EFITimeFrom(t)
}

// formatEFITime prints e as "2010-01-01 00:00:00" (plus any non-zero extra
// fields), for Describe.
func formatEFITime(e EFITime) string {
	s := fmt.Sprintf("%04d-%02d-%02d %02d:%02d:%02d", e.Year, e.Month, e.Day, e.Hour, e.Minute, e.Second)
	if e.Nanosecond != 0 || e.TimeZone != 0 || e.Daylight != 0 || e.Pad1 != 0 || e.Pad2 != 0 {
		s += fmt.Sprintf(" (ns %d, tz %d, daylight %d, pad %d/%d)", e.Nanosecond, e.TimeZone, e.Daylight, e.Pad1, e.Pad2)
	}
	return s
}

// putEFITime encodes e into b[0:16].
func putEFITime(b []byte, e EFITime) {
	binary.LittleEndian.PutUint16(b[0:2], e.Year)
	b[2], b[3], b[4], b[5], b[6], b[7] = e.Month, e.Day, e.Hour, e.Minute, e.Second, e.Pad1
	binary.LittleEndian.PutUint32(b[8:12], e.Nanosecond)
	binary.LittleEndian.PutUint16(b[12:14], uint16(e.TimeZone))
	b[14], b[15] = e.Daylight, e.Pad2
}

// getEFITime decodes b[0:16].
func getEFITime(b []byte) EFITime {
	return EFITime{
		Year:       binary.LittleEndian.Uint16(b[0:2]),
		Month:      b[2],
		Day:        b[3],
		Hour:       b[4],
		Minute:     b[5],
		Second:     b[6],
		Pad1:       b[7],
		Nanosecond: binary.LittleEndian.Uint32(b[8:12]),
		TimeZone:   int16(binary.LittleEndian.Uint16(b[12:14])),
		Daylight:   b[14],
		Pad2:       b[15],
	}
}
