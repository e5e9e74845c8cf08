package eventlog

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"strconv"
)

// Describe prints l for people, one event per line in log order:
//
//	pcr=<n> <type> sha256=<hex> <what the data says>
//
// The digest shown is the SHA-256 one, or the first bank's when the log
// has no SHA-256 bank. The header names the banks.
func Describe(w io.Writer, l *Log) error {
	bw := bufio.NewWriter(w)
	show := SHA256
	if !l.HasAlg(SHA256) {
		show = SHA1
		if l.Agile() {
			show = l.Algorithms[0].Alg
		}
	}
	for _, e := range l.Events {
		fmt.Fprintln(bw, e.Line(show))
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("describing event log: %w", err)
	}
	return nil
}

// Line formats e as Describe prints it, showing bank a's digest.
func (e Event) Line(a Alg) string {
	d, ok := e.Digest(a)
	hex := "-"
	if ok {
		hex = fmt.Sprintf("%x", d)
	}
	line := fmt.Sprintf("pcr=%d %s %s=%s", e.PCR, e.Type, a, hex)
	if s := e.Summary(); s != "" {
		line += " " + s
	}
	return line
}

// Summary describes e's data in a few words: the text of action, tag and
// IPL events, the variable of variable events, the image of image loads,
// the blob of firmware blob events.
func (e Event) Summary() string {
	d := e.Data
	switch e.Type {
	case EvNoAction:
		switch {
		case bytes.HasPrefix(d, specIDSignature):
			algs, err := parseSpecID(d, 0)
			if err != nil {
				return "Spec ID Event03 (malformed)"
			}
			s := "Spec ID Event03"
			for i, a := range algs {
				sep := ","
				if i == 0 {
					sep = ":"
				}
				s += sep + " " + a.Alg.String()
			}
			return s
		case bytes.HasPrefix(d, startupLocalitySignature) && len(d) > len(startupLocalitySignature):
			return fmt.Sprintf("StartupLocality %d", d[len(startupLocalitySignature)])
		}
	case EvSeparator:
		if len(d) == 4 {
			return fmt.Sprintf("%#08x", binary.LittleEndian.Uint32(d))
		}
	case EvEventTag:
		t, err := ParseTaggedEvent(d)
		if err != nil {
			break
		}
		s := fmt.Sprintf("tag=%#08x", t.ID)
		if txt, ok := Text(t.Data); ok {
			s += " " + quote(txt)
		}
		return s
	case EvEFIVariableDriverConfig, EvEFIVariableBoot, EvEFIVariableBoot2, EvEFIVariableAuthority, EvEFISPDMDevicePolicy:
		v, err := ParseVariableData(d)
		if err != nil {
			break
		}
		return fmt.Sprintf("%s %s %s", quote(v.Name), v.GUID, plural(len(v.Data), "byte"))
	case EvEFIBootServicesApplication, EvEFIBootServicesDriver, EvEFIRuntimeServicesDriver:
		img, err := ParseImageLoadEvent(d)
		if err != nil {
			break
		}
		p, err := DevicePathString(img.DevicePath)
		if err != nil {
			p += "(malformed)"
		}
		return fmt.Sprintf("%s len=%d", quote(p), img.Length)
	case EvEFIPlatformFirmwareBlob:
		if len(d) == 16 {
			return fmt.Sprintf("base=%#x len=%d", binary.LittleEndian.Uint64(d), binary.LittleEndian.Uint64(d[8:]))
		}
	case EvEFIPlatformFirmwareBlob2:
		if len(d) >= 1 && len(d) == 1+int(d[0])+16 {
			n := int(d[0])
			desc, _ := Text(d[1 : 1+n])
			return fmt.Sprintf("%s base=%#x len=%d", quote(desc), binary.LittleEndian.Uint64(d[1+n:]), binary.LittleEndian.Uint64(d[9+n:]))
		}
	case EvEFIHandoffTables:
		if len(d) >= 8 {
			return describeTables(d[8:], binary.LittleEndian.Uint64(d))
		}
	case EvEFIHandoffTables2:
		if len(d) >= 1 && len(d) >= 1+int(d[0])+8 {
			n := int(d[0])
			desc, _ := Text(d[1 : 1+n])
			return quote(desc) + " " + describeTables(d[9+n:], binary.LittleEndian.Uint64(d[1+n:]))
		}
	case EvEFIGPTEvent, EvEFIGPTEvent2:
		if len(d) >= 92+8 {
			return fmt.Sprintf("GPT %s", plural(int(min(binary.LittleEndian.Uint64(d[92:]), 1<<20)), "partition"))
		}
	}
	if s, ok := Text(d); ok {
		return quote(s)
	}
	if len(d) == 0 {
		return ""
	}
	return plural(len(d), "byte")
}

// describeTables summarises EFI_CONFIGURATION_TABLE entries (GUID, pointer).
func describeTables(b []byte, n uint64) string {
	if n > uint64(len(b)/24) {
		return fmt.Sprintf("%d tables (truncated)", n)
	}
	s := plural(int(n), "table")
	for i := 0; i < int(n); i++ {
		var g GUID
		copy(g[:], b[24*i:])
		s += " " + g.String()
	}
	return s
}

// quote wraps s in double quotes, escaping only when s holds a quote or a
// non-printable character (EFI paths keep their backslashes readable).
func quote(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e || s[i] == '"' {
			return strconv.Quote(s)
		}
	}
	return `"` + s + `"`
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
