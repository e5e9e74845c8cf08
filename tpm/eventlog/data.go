package eventlog

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"
)

// GUID is an EFI GUID in its on-disk byte order (Data1..Data3
// little-endian, Data4 as is).
type GUID [16]byte

// String returns the canonical lower-case text form.
func (g GUID) String() string {
	return fmt.Sprintf("%08x-%04x-%04x-%x-%x", binary.LittleEndian.Uint32(g[0:]), binary.LittleEndian.Uint16(g[4:]),
		binary.LittleEndian.Uint16(g[6:]), g[8:10], g[10:16])
}

// VariableData is UEFI_VARIABLE_DATA, the event data of the
// EV_EFI_VARIABLE_* events (PFP §10.2.6): VariableName GUID (16) ‖
// UnicodeNameLength (u64, characters, no NUL) ‖ VariableDataLength (u64) ‖
// UnicodeName (UTF-16LE) ‖ VariableData.
type VariableData struct {
	GUID GUID
	Name string
	Data []byte
}

// Bytes encodes v.
func (v VariableData) Bytes() []byte {
	name := utf16.Encode([]rune(v.Name))
	b := make([]byte, 32, 32+2*len(name)+len(v.Data))
	copy(b, v.GUID[:])
	binary.LittleEndian.PutUint64(b[16:], uint64(len(name)))
	binary.LittleEndian.PutUint64(b[24:], uint64(len(v.Data)))
	for _, c := range name {
		b = binary.LittleEndian.AppendUint16(b, c)
	}
	return append(b, v.Data...)
}

// ParseVariableData decodes UEFI_VARIABLE_DATA; the lengths must fill b exactly.
func ParseVariableData(b []byte) (VariableData, error) {
	var v VariableData
	if len(b) < 32 {
		return v, fmt.Errorf("UEFI_VARIABLE_DATA: %d bytes, header needs 32", len(b))
	}
	copy(v.GUID[:], b)
	nameLen, dataLen := binary.LittleEndian.Uint64(b[16:]), binary.LittleEndian.Uint64(b[24:])
	rest := uint64(len(b) - 32)
	if nameLen > rest/2 || dataLen != rest-2*nameLen {
		return v, fmt.Errorf("UEFI_VARIABLE_DATA: name of %d characters and %d data bytes do not fill the %d bytes after the header", nameLen, dataLen, rest)
	}
	v.Name = DecodeUTF16(b[32 : 32+2*nameLen])
	v.Data = b[32+2*nameLen:]
	return v, nil
}

// ImageLoadEvent is UEFI_IMAGE_LOAD_EVENT, the event data of
// EV_EFI_BOOT_SERVICES_APPLICATION and the driver events (PFP §10.2.3).
type ImageLoadEvent struct {
	Location, Length, LinkTimeAddress uint64
	DevicePath                        []byte
}

// ParseImageLoadEvent decodes UEFI_IMAGE_LOAD_EVENT.
func ParseImageLoadEvent(b []byte) (ImageLoadEvent, error) {
	var e ImageLoadEvent
	if len(b) < 32 {
		return e, fmt.Errorf("UEFI_IMAGE_LOAD_EVENT: %d bytes, header needs 32", len(b))
	}
	e.Location = binary.LittleEndian.Uint64(b)
	e.Length = binary.LittleEndian.Uint64(b[8:])
	e.LinkTimeAddress = binary.LittleEndian.Uint64(b[16:])
	n := binary.LittleEndian.Uint64(b[24:])
	if n != uint64(len(b)-32) {
		return e, fmt.Errorf("UEFI_IMAGE_LOAD_EVENT: device path length %d, %d bytes follow", n, len(b)-32)
	}
	e.DevicePath = b[32:]
	return e, nil
}

// TaggedEvent is TCG_PCClientTaggedEvent, the data of EV_EVENT_TAG.
type TaggedEvent struct {
	ID   uint32
	Data []byte
}

// ParseTaggedEvent decodes TCG_PCClientTaggedEvent.
func ParseTaggedEvent(b []byte) (TaggedEvent, error) {
	if len(b) < 8 {
		return TaggedEvent{}, fmt.Errorf("tagged event: %d bytes, header needs 8", len(b))
	}
	n := binary.LittleEndian.Uint32(b[4:])
	if uint64(n) != uint64(len(b)-8) {
		return TaggedEvent{}, fmt.Errorf("tagged event: data size %d, %d bytes follow", n, len(b)-8)
	}
	return TaggedEvent{ID: binary.LittleEndian.Uint32(b), Data: b[8:]}, nil
}

// Bytes encodes t.
func (t TaggedEvent) Bytes() []byte {
	b := binary.LittleEndian.AppendUint32(nil, t.ID)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(t.Data)))
	return append(b, t.Data...)
}

// DecodeUTF16 decodes UTF-16LE (an odd trailing byte is dropped).
func DecodeUTF16(b []byte) string {
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return string(utf16.Decode(u))
}

// EncodeUTF16 returns s as UTF-16LE, without a terminating NUL.
func EncodeUTF16(s string) []byte {
	var b []byte
	for _, c := range utf16.Encode([]rune(s)) {
		b = binary.LittleEndian.AppendUint16(b, c)
	}
	return b
}

// Text returns b as text when it is printable: UTF-16LE (as EDK II and
// systemd-stub log strings) or ASCII, either optionally NUL-terminated.
func Text(b []byte) (string, bool) {
	if s, ok := printableUTF16(b); ok {
		return s, true
	}
	t := strings.TrimRight(string(b), "\x00")
	if t == "" {
		return "", false
	}
	for i := 0; i < len(t); i++ {
		if t[i] < 0x20 || t[i] > 0x7e {
			return "", false
		}
	}
	return t, true
}

func printableUTF16(b []byte) (string, bool) {
	if len(b) < 2 || len(b)%2 != 0 {
		return "", false
	}
	u := make([]uint16, len(b)/2)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	for len(u) > 0 && u[len(u)-1] == 0 {
		u = u[:len(u)-1]
	}
	if len(u) == 0 {
		return "", false
	}
	for _, c := range u {
		if c < 0x20 || c > 0x7e {
			return "", false
		}
	}
	return string(utf16.Decode(u)), true
}

// errDevicePath reports a device path that does not parse.
var errDevicePath = errors.New("malformed device path")

// DevicePathString renders an EFI device path the way the UEFI shell
// abbreviates it, for the nodes boot paths use (PciRoot, Pci, HD, file
// paths, firmware volumes, vendor nodes, and a generic form for the rest).
func DevicePathString(b []byte) (string, error) {
	var parts []string
	for off := 0; off < len(b); {
		if len(b)-off < 4 {
			return strings.Join(parts, "/"), fmt.Errorf("%w: truncated node at offset %d", errDevicePath, off)
		}
		typ, sub, n := b[off], b[off+1], int(binary.LittleEndian.Uint16(b[off+2:]))
		if n < 4 || n > len(b)-off {
			return strings.Join(parts, "/"), fmt.Errorf("%w: node at offset %d has length %d, %d bytes left", errDevicePath, off, n, len(b)-off)
		}
		body := b[off+4 : off+n]
		off += n
		if typ == 0x7f && sub == 0xff {
			break
		}
		parts = append(parts, devicePathNode(typ, sub, body))
	}
	return strings.Join(parts, "/"), nil
}

func devicePathNode(typ, sub byte, body []byte) string {
	guid := func(at int) string {
		if len(body) < at+16 {
			return "?"
		}
		var g GUID
		copy(g[:], body[at:])
		return g.String()
	}
	switch {
	case typ == 2 && sub == 1 && len(body) >= 8: // ACPI
		hid, uid := binary.LittleEndian.Uint32(body), binary.LittleEndian.Uint32(body[4:])
		if hid == 0x0a0341d0 || hid == 0x0a0841d0 {
			return fmt.Sprintf("PciRoot(%#x)", uid)
		}
		return fmt.Sprintf("Acpi(%#x,%#x)", hid, uid)
	case typ == 1 && sub == 1 && len(body) >= 2: // PCI
		return fmt.Sprintf("Pci(%#x,%#x)", body[1], body[0])
	case typ == 3 && sub == 2 && len(body) >= 4: // SCSI
		return fmt.Sprintf("Scsi(%#x,%#x)", binary.LittleEndian.Uint16(body), binary.LittleEndian.Uint16(body[2:]))
	case typ == 4 && sub == 1 && len(body) >= 38: // hard drive
		return fmt.Sprintf("HD(%d,%#x,%#x)", binary.LittleEndian.Uint32(body), binary.LittleEndian.Uint64(body[4:]), binary.LittleEndian.Uint64(body[12:]))
	case typ == 4 && sub == 3: // vendor media
		return "VenMedia(" + guid(0) + ")"
	case typ == 4 && sub == 4: // file path
		return strings.TrimRight(DecodeUTF16(body), "\x00")
	case typ == 4 && sub == 6:
		return "FvFile(" + guid(0) + ")"
	case typ == 4 && sub == 7:
		return "Fv(" + guid(0) + ")"
	case typ == 1 && sub == 4:
		return "VenHw(" + guid(0) + ")"
	case typ == 3 && sub == 10:
		return "VenMsg(" + guid(0) + ")"
	}
	return fmt.Sprintf("Path(%d,%d,%d bytes)", typ, sub, len(body))
}
