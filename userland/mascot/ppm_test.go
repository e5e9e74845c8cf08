package mascot

import (
	"bytes"
	"image"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDecodePPM(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in      string
		w, h    int
		pix     []uint8 // RGBA, when the decode succeeds
		wantErr string
	}{
		{name: "2x1", in: "P6\n2 1\n255\n\x01\x02\x03\xff\x00\x80", w: 2, h: 1,
			pix: []uint8{1, 2, 3, 255, 255, 0, 128, 255}},
		{name: "comments and tabs", in: "P6 # QEMU\n#x\n1\t1 # size\n255\r\x0a\x0b\x0c", w: 1, h: 1,
			pix: []uint8{10, 11, 12, 255}},
		{name: "maxval 15", in: "P6 1 1 15 \x0f\x00\x07", w: 1, h: 1, pix: []uint8{255, 0, 119, 255}},
		{name: "16-bit", in: "P6 1 1 65535\n\xff\xff\x00\x00\x80\x00", w: 1, h: 1, pix: []uint8{255, 0, 128, 255}},
		{name: "sample above maxval clamps", in: "P6 1 1 10\n\xff\x00\x00", w: 1, h: 1, pix: []uint8{255, 0, 0, 255}},
		{name: "trailing bytes ignored", in: "P6 1 1 255\n\x01\x02\x03junk", w: 1, h: 1, pix: []uint8{1, 2, 3, 255}},
		{name: "P3", in: "P3 1 1 255\n1 2 3", wantErr: "magic"},
		{name: "empty", in: "", wantErr: "magic"},
		{name: "no separator", in: "P61 1 255\n\x00\x00\x00", wantErr: "whitespace"},
		{name: "truncated header", in: "P6 1 1", wantErr: "maxval"},
		{name: "zero width", in: "P6 0 1 255\n", wantErr: "size"},
		{name: "too wide", in: "P6 40000 1 255\n", wantErr: "size"},
		{name: "long number", in: "P6 0000001 1 255\n", wantErr: "too long"},
		{name: "maxval 0", in: "P6 1 1 0\n\x00\x00\x00", wantErr: "maxval"},
		{name: "maxval too big", in: "P6 1 1 65536\n", wantErr: "maxval"},
		{name: "no space after maxval", in: "P6 1 1 255", wantErr: "whitespace"},
		{name: "short raster", in: "P6 2 2 255\n\x00\x00\x00", wantErr: "raster"},
		{name: "letters", in: "P6 a 1 255\n", wantErr: "decimal"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img, err := DecodePPM([]byte(tc.in))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("DecodePPM(%q) error = %v, want one containing %q", tc.in, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("DecodePPM(%q) error = %v", tc.in, err)
			}
			if got, want := img.Bounds(), image.Rect(0, 0, tc.w, tc.h); got != want {
				t.Errorf("DecodePPM(%q).Bounds() = %v, want %v", tc.in, got, want)
			}
			if diff := cmp.Diff(tc.pix, img.Pix); diff != "" {
				t.Errorf("DecodePPM(%q) pixels mismatch (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

func TestEncodePPMRoundTrip(t *testing.T) {
	img := Render(64, 48)
	var b bytes.Buffer
	if err := EncodePPM(&b, img); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b.Bytes(), []byte("P6\n64 48\n255\n")) {
		t.Errorf("EncodePPM header = %q, want P6\\n64 48\\n255\\n", b.Bytes()[:14])
	}
	got, err := DecodePPM(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Pix, img.Pix) {
		t.Errorf("DecodePPM(EncodePPM(img)) differs from img")
	}
}

func FuzzDecodePPM(f *testing.F) {
	var b bytes.Buffer
	if err := EncodePPM(&b, Render(20, 16)); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add([]byte("P6 # c\n1 1\n65535\n\xff\xff\x00\x00\x80\x00"))
	f.Add([]byte("P6 2 1 255\n\x01\x02\x03\xff\x00\x80"))
	f.Add([]byte("P6 32768 32768 255\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		img, err := DecodePPM(in)
		if err != nil {
			return
		}
		r := img.Bounds()
		if r.Dx() < 1 || r.Dy() < 1 || r.Dx()*r.Dy()*3 > len(in) {
			t.Fatalf("DecodePPM accepted %v from %d bytes", r, len(in))
		}
		var out bytes.Buffer
		if err := EncodePPM(&out, img); err != nil {
			t.Fatal(err)
		}
		again, err := DecodePPM(out.Bytes())
		if err != nil {
			t.Fatalf("DecodePPM(EncodePPM(img)) error = %v", err)
		}
		if !bytes.Equal(again.Pix, img.Pix) {
			t.Fatalf("PPM round trip changed pixels")
		}
		Compare(img)
	})
}
