package eventlog

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestParseRoundTrip(t *testing.T) {
	want := testLog(t)
	b := mustMarshal(t, want)
	got, err := Parse(b)
	if err != nil {
		t.Fatalf("Parse() = %v", err)
	}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(Event{}, "Offset")); diff != "" {
		t.Errorf("Parse(Marshal(log)) differs (-want +got):\n%s", diff)
	}
	if want := []AlgSize{{SHA1, 20}, {SHA256, 32}}; !cmp.Equal(got.Algorithms, want) {
		t.Errorf("Algorithms = %v, want %v", got.Algorithms, want)
	}
	// Offsets point at the records.
	if got.Events[0].Offset != 0 || got.Events[1].Offset != 32+len(got.Events[0].Data) {
		t.Errorf("offsets = %d, %d; want 0, %d", got.Events[0].Offset, got.Events[1].Offset, 32+len(got.Events[0].Data))
	}
	if again := mustMarshal(t, got); !bytes.Equal(again, b) {
		t.Errorf("Marshal(Parse(b)) != b")
	}
}

// legacyLog is a TCG 1.2 log: two SHA-1 TCG_PCR_EVENTs.
func legacyLog() []byte {
	var b []byte
	for i, data := range []string{"one", "two"} {
		b = binary.LittleEndian.AppendUint32(b, uint32(i))
		b = binary.LittleEndian.AppendUint32(b, uint32(EvAction))
		b = append(b, bytes.Repeat([]byte{byte(i + 1)}, 20)...)
		b = binary.LittleEndian.AppendUint32(b, uint32(len(data)))
		b = append(b, data...)
	}
	return b
}

func TestParseLegacy(t *testing.T) {
	l, err := Parse(legacyLog())
	if err != nil {
		t.Fatalf("Parse(legacy) = %v", err)
	}
	if l.Agile() || len(l.Events) != 2 || !l.HasAlg(SHA1) || l.HasAlg(SHA256) {
		t.Fatalf("Parse(legacy) = %+v, want two SHA-1 events", l)
	}
	if d, _ := l.Events[1].Digest(SHA1); !bytes.Equal(d, bytes.Repeat([]byte{2}, 20)) || string(l.Events[1].Data) != "two" || l.Events[1].PCR != 1 {
		t.Errorf("event 1 = %+v", l.Events[1])
	}
}

func TestParseErrors(t *testing.T) {
	good := mustMarshal(t, testLog(t))
	header := len(mustMarshal(t, &Log{Events: testLog(t).Events[:1]}))
	// set returns a copy of good with b written at off.
	set := func(off int, b ...byte) []byte {
		c := bytes.Clone(good)
		copy(c[off:], b)
		return c
	}
	u32 := func(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }
	specAlgCount := 32 + 16 + 4 + 4 // header, signature, platformClass, version bytes
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "empty log"},
		{"short header", good[:20], "truncated event 0 header"},
		{"header data cut", good[:header-1], "event 0 data of"},
		{"PCR index", set(0, u32(5000)...), "PCR index 5000 out of range"},
		{"no algorithms", set(specAlgCount, u32(0)...), "declares no algorithms"},
		{"too many algorithms", set(specAlgCount, u32(1000)...), "declares 1000 algorithms"},
		{"wrong digest size", set(specAlgCount+4+2, 21, 0), "sha1 digest size 21, want 20"},
		{"huge digest size", set(specAlgCount+4+2+4, 0xff, 0), "digest size 255"},
		{"duplicate bank", set(specAlgCount+4+4, 4, 0, 20, 0), "lists sha1 twice"},
		{"digest count", set(header+8, u32(3)...), "has 3 digests, the log declares 2 banks"},
		{"undeclared bank", set(header+12, 0x0c, 0), "sha384 not declared"},
		{"repeated bank", set(header+12+2+20, 4, 0), "two sha1 digests"},
		{"event size", set(header+12+2+20+2+32, u32(1<<31)...), "event 1 data of 2147483648 bytes runs past"},
		{"truncated event", good[:header+10], "truncated digest count"},
		{"truncated digest", good[:header+12+2+10], "sha1 digest of 20 bytes runs past"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.in)
			if err == nil {
				t.Fatalf("Parse() = nil error, want %q", tt.want)
			}
			if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "offset") {
				t.Errorf("Parse() = %v, want ErrMalformed naming the offset and %q", err, tt.want)
			}
		})
	}
}

func TestDataDecoders(t *testing.T) {
	v := VariableData{GUID: GUID{1, 2, 3}, Name: "dbx", Data: []byte{9, 8, 7}}
	got, err := ParseVariableData(v.Bytes())
	if err != nil || !cmp.Equal(got, v) {
		t.Errorf("ParseVariableData(Bytes()) = %+v, %v; want %+v", got, err, v)
	}
	for _, bad := range [][]byte{nil, v.Bytes()[:40], append(v.Bytes(), 0)} {
		if _, err := ParseVariableData(bad); err == nil {
			t.Errorf("ParseVariableData(%x) = nil error", bad)
		}
	}
	img, err := ParseImageLoadEvent(imageLoadEvent(42, `\EFI\BOOT\BOOTX64.EFI`))
	if err != nil || img.Length != 42 {
		t.Fatalf("ParseImageLoadEvent() = %+v, %v", img, err)
	}
	if p, err := DevicePathString(img.DevicePath); err != nil || p != `\EFI\BOOT\BOOTX64.EFI` {
		t.Errorf("DevicePathString() = %q, %v", p, err)
	}
	if _, err := DevicePathString([]byte{4, 4, 0xff, 0}); err == nil {
		t.Errorf("DevicePathString(overlong node) = nil error")
	}
	tag := TaggedEvent{ID: 7, Data: []byte("x")}
	if got, err := ParseTaggedEvent(tag.Bytes()); err != nil || !cmp.Equal(got, tag) {
		t.Errorf("ParseTaggedEvent(Bytes()) = %+v, %v", got, err)
	}
	if g := (GUID{0x61, 0xdf, 0xe4, 0x8b, 0xca, 0x93, 0xd2, 0x11, 0xaa, 0x0d, 0x00, 0xe0, 0x98, 0x03, 0x2b, 0x8c}).String(); g != "8be4df61-93ca-11d2-aa0d-00e098032b8c" {
		t.Errorf("GUID.String() = %s", g)
	}
}

func TestText(t *testing.T) {
	for _, tt := range []struct {
		in   []byte
		want string
		ok   bool
	}{
		{EncodeUTF16(".linux\x00"), ".linux", true},
		{[]byte("Calling EFI Application from Boot Option"), "Calling EFI Application from Boot Option", true},
		{[]byte("ascii\x00"), "ascii", true},
		{[]byte{0, 0, 0, 0}, "", false},
		{[]byte{0xff, 0x01}, "", false},
		{nil, "", false},
	} {
		got, ok := Text(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Text(%x) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}
