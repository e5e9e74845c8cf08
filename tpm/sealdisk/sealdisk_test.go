package sealdisk

import (
	"bytes"
	"errors"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	blob := bytes.Repeat([]byte{7}, 700)
	img, err := Image(blob)
	if err != nil {
		t.Fatal(err)
	}
	if len(img)%512 != 0 {
		t.Errorf("image of %d bytes is not whole sectors", len(img))
	}
	got, err := Read(bytes.NewReader(img))
	if err != nil || !bytes.Equal(got, blob) {
		t.Fatalf("Read = %d bytes, %v", len(got), err)
	}
}

func TestReadRefuses(t *testing.T) {
	good, _ := Image([]byte("sealed"))
	flip := bytes.Clone(good)
	flip[headerSize] ^= 1
	long := bytes.Clone(good)
	long[len(Magic)+2] = 0xff
	for _, tc := range []struct {
		name  string
		disk  []byte
		magic bool
	}{
		{"empty", nil, true},
		{"other disk", make([]byte, 4096), true},
		{"altered blob", flip, false},
		{"length too large", long, false},
		{"truncated", good[:headerSize+2], false},
	} {
		_, err := Read(bytes.NewReader(tc.disk))
		if err == nil || errors.Is(err, ErrNoMagic) != tc.magic {
			t.Errorf("%s: Read error = %v, want ErrNoMagic %v", tc.name, err, tc.magic)
		}
	}
	if _, err := Image(nil); err == nil {
		t.Error("Image(nil) = nil error")
	}
}

func FuzzRead(f *testing.F) {
	good, _ := Image([]byte("sealed"))
	f.Add(good)
	f.Add([]byte(Magic))
	f.Fuzz(func(t *testing.T, b []byte) {
		blob, err := Read(bytes.NewReader(b))
		if err == nil {
			img, err := Image(blob)
			if err != nil || !bytes.Equal(img[:headerSize+len(blob)], b[:headerSize+len(blob)]) {
				t.Errorf("accepted a disk that does not re-encode to itself")
			}
		}
	})
}
