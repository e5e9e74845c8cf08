package eventlog

import (
	"encoding/binary"
	"testing"
)

// imageLoadEvent builds UEFI_IMAGE_LOAD_EVENT with a device path of one
// file path node.
func imageLoadEvent(length uint64, path string) []byte {
	node := EncodeUTF16(path + "\x00")
	dp := []byte{4, 4, 0, 0}
	binary.LittleEndian.PutUint16(dp[2:], uint16(4+len(node)))
	dp = append(dp, node...)
	dp = append(dp, 0x7f, 0xff, 4, 0)
	b := binary.LittleEndian.AppendUint64(nil, 0x7e000000)
	b = binary.LittleEndian.AppendUint64(b, length)
	b = binary.LittleEndian.AppendUint64(b, 0)
	b = binary.LittleEndian.AppendUint64(b, uint64(len(dp)))
	return append(b, dp...)
}

// testLog builds a small log shaped like the one OVMF, systemd-stub and
// the Linux EFI stub write, in the SHA-1 and SHA-256 banks.
func testLog(t testing.TB) *Log {
	t.Helper()
	l, err := New(SHA1, SHA256)
	if err != nil {
		t.Fatal(err)
	}
	add := func(pcr int, typ EventType, hashed, data []byte) {
		t.Helper()
		if err := l.Append(pcr, typ, hashed, data); err != nil {
			t.Fatal(err)
		}
	}
	sep := []byte{0, 0, 0, 0}
	locality := append([]byte("StartupLocality\x00"), 3)
	add(0, EvNoAction, nil, locality)
	add(0, EvSCRTMVersion, EncodeUTF16("1.00\x00"), EncodeUTF16("1.00\x00"))
	blob := binary.LittleEndian.AppendUint64(nil, 0x820000)
	blob = binary.LittleEndian.AppendUint64(blob, 0xe0000)
	add(0, EvEFIPlatformFirmwareBlob, []byte("firmware volume"), blob)
	sb := VariableData{GUID: GUID{0x61, 0xdf, 0xe4, 0x8b, 0xca, 0x93, 0xd2, 0x11, 0xaa, 0x0d, 0x00, 0xe0, 0x98, 0x03, 0x2b, 0x8c}, Name: "SecureBoot", Data: []byte{0}}.Bytes()
	add(7, EvEFIVariableDriverConfig, sb, sb)
	add(7, EvSeparator, sep, sep)
	add(4, EvEFIAction, []byte("Calling EFI Application from Boot Option"), []byte("Calling EFI Application from Boot Option"))
	add(4, EvSeparator, sep, sep)
	add(4, EvEFIBootServicesApplication, []byte("authenticode"), imageLoadEvent(25<<20, `\EFI\BOOT\BOOTX64.EFI`))
	add(11, EvIPL, []byte(".linux\x00"), EncodeUTF16(".linux\x00"))
	add(9, EvEventTag, []byte("options"), TaggedEvent{ID: 0x8f3b22ed, Data: []byte("LOADED_IMAGE::LoadOptions\x00")}.Bytes())
	add(5, EvEFIAction, []byte("Exit Boot Services Invocation"), []byte("Exit Boot Services Invocation"))
	return l
}

// mustMarshal encodes l or fails the test.
func mustMarshal(t testing.TB, l *Log) []byte {
	t.Helper()
	b, err := Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
