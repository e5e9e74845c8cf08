package main

import (
	"encoding/binary"
	"fmt"
	"image"
	"testing"

	"github.com/google/go-cmp/cmp"

	"manx/userland/mascot"
)

// Pixel formats seen on QEMU: std VGA / bochs / virtio-gpu XRGB8888, and
// the 24 and 16 bpp modes a driver may pick.
var (
	xrgb8888 = fbInfo{bitsPerPixel: 32, red: bitfield{16, 8}, green: bitfield{8, 8}, blue: bitfield{0, 8}, visual: visualTrueColor}
	bgr888   = fbInfo{bitsPerPixel: 24, red: bitfield{0, 8}, green: bitfield{8, 8}, blue: bitfield{16, 8}, visual: visualTrueColor}
	rgb565   = fbInfo{bitsPerPixel: 16, red: bitfield{11, 5}, green: bitfield{5, 6}, blue: bitfield{0, 5}, visual: visualTrueColor}
	argb8888 = fbInfo{bitsPerPixel: 32, red: bitfield{16, 8}, green: bitfield{8, 8}, blue: bitfield{0, 8}, transp: bitfield{24, 8}, visual: visualTrueColor}
	x2rgb10  = fbInfo{bitsPerPixel: 32, red: bitfield{20, 10}, green: bitfield{10, 10}, blue: bitfield{0, 10}, visual: visualTrueColor}
)

// screenInfo encodes fb_var_screeninfo and fb_fix_screeninfo for fi.
func screenInfo(fi fbInfo) (v, f []byte) {
	v = make([]byte, varScreenInfoSize)
	put := func(off int, x uint32) { binary.NativeEndian.PutUint32(v[off:], x) }
	put(0, fi.xres)
	put(4, fi.yres)
	put(8, fi.xres+fi.xoffset)
	put(12, fi.yres+fi.yoffset)
	put(16, fi.xoffset)
	put(20, fi.yoffset)
	put(24, fi.bitsPerPixel)
	for i, b := range []bitfield{fi.red, fi.green, fi.blue, fi.transp} {
		put(32+12*i, b.offset)
		put(36+12*i, b.length)
	}
	f = make([]byte, fixScreenInfoSize)
	copy(f, fi.id)
	binary.NativeEndian.PutUint64(f[16:], 0xfd000000)
	binary.NativeEndian.PutUint32(f[24:], fi.smemLen)
	binary.NativeEndian.PutUint32(f[36:], fi.visual)
	binary.NativeEndian.PutUint32(f[48:], fi.lineLength)
	return v, f
}

func TestParseScreenInfo(t *testing.T) {
	want := xrgb8888
	want.id, want.xres, want.yres, want.lineLength, want.smemLen = "EFI VGA", 1280, 800, 5120, 4096000
	v, f := screenInfo(want)
	var got fbInfo
	if err := parseVarScreenInfo(v, &got); err != nil {
		t.Fatal(err)
	}
	if err := parseFixScreenInfo(f, &got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(fbInfo{}, bitfield{})); diff != "" {
		t.Errorf("parse(screenInfo(%v)) mismatch (-want +got):\n%s", want, diff)
	}
	if err := parseVarScreenInfo(v[:100], &got); err == nil {
		t.Errorf("parseVarScreenInfo(100 bytes) error = nil, want error")
	}
	if err := parseFixScreenInfo(f[:40], &got); err == nil {
		t.Errorf("parseFixScreenInfo(40 bytes) error = nil, want error")
	}
}

func sized(fi fbInfo, w, h uint32) fbInfo {
	fi.xres, fi.yres = w, h
	fi.lineLength = w * fi.bitsPerPixel / 8
	fi.smemLen = fi.lineLength * h
	return fi
}

func TestCheck(t *testing.T) {
	palette := sized(xrgb8888, 640, 480)
	palette.visual = 3
	eight := sized(xrgb8888, 640, 480)
	eight.bitsPerPixel = 8
	badField := sized(rgb565, 640, 480)
	badField.red = bitfield{12, 5}
	noBlue := sized(xrgb8888, 640, 480)
	noBlue.blue = bitfield{}
	smallStride := sized(xrgb8888, 640, 480)
	smallStride.lineLength = 2000
	offscreen := sized(xrgb8888, 640, 480)
	offscreen.yoffset = 1
	panned := sized(xrgb8888, 640, 480)
	panned.yoffset, panned.smemLen = 480, panned.smemLen*2
	for _, tc := range []struct {
		name string
		fi   fbInfo
		ok   bool
	}{
		{"xrgb8888", sized(xrgb8888, 1280, 800), true},
		{"bgr888", sized(bgr888, 800, 600), true},
		{"rgb565", sized(rgb565, 1024, 768), true},
		{"x2rgb10", sized(x2rgb10, 640, 480), true},
		{"panned to second buffer", panned, true},
		{"palette visual", palette, false},
		{"8 bpp", eight, false},
		{"field outside pixel", badField, false},
		{"no blue", noBlue, false},
		{"stride too small", smallStride, false},
		{"beyond memory", offscreen, false},
		{"zero size", sized(xrgb8888, 0, 480), false},
	} {
		if err := tc.fi.check(); (err == nil) != tc.ok {
			t.Errorf("%s: check() = %v, want ok %v", tc.name, err, tc.ok)
		}
	}
}

func TestPixel(t *testing.T) {
	for _, tc := range []struct {
		name    string
		fi      fbInfo
		r, g, b uint8
		want    uint32
	}{
		{"xrgb8888", xrgb8888, 0x12, 0x34, 0x56, 0x00123456},
		{"argb8888 opaque", argb8888, 0x12, 0x34, 0x56, 0xff123456},
		{"bgr888", bgr888, 0x12, 0x34, 0x56, 0x563412},
		{"rgb565 white", rgb565, 0xff, 0xff, 0xff, 0xffff},
		{"rgb565 red", rgb565, 0xff, 0, 0, 0xf800},
		{"rgb565 green", rgb565, 0, 0xff, 0, 0x07e0},
		{"x2rgb10 white", x2rgb10, 0xff, 0xff, 0xff, 0x3fffffff},
		{"x2rgb10 0x80", x2rgb10, 0x80, 0, 0, 0x202 << 20},
	} {
		if got := tc.fi.pixel(tc.r, tc.g, tc.b); got != tc.want {
			t.Errorf("%s: pixel(%#x, %#x, %#x) = %#x, want %#x", tc.name, tc.r, tc.g, tc.b, got, tc.want)
		}
	}
}

// memFB is framebuffer memory that rejects writes outside it.
type memFB []byte

func (m memFB) WriteAt(p []byte, off int64) (int, error) {
	if off < 0 || off+int64(len(p)) > int64(len(m)) {
		return 0, fmt.Errorf("write of %d bytes at %d outside %d", len(p), off, len(m))
	}
	return copy(m[off:], p), nil
}

// readBack decodes framebuffer memory as the display would show it.
func readBack(m memFB, fi fbInfo) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, int(fi.xres), int(fi.yres)))
	bpp := int(fi.bitsPerPixel / 8)
	get := func(v uint32, f bitfield) uint8 {
		x := v >> f.offset & (1<<f.length - 1)
		return uint8(x << 8 >> f.length) // top bits; good enough for a comparison
	}
	for y := 0; y < int(fi.yres); y++ {
		for x := 0; x < int(fi.xres); x++ {
			off := (y+int(fi.yoffset))*int(fi.lineLength) + (x+int(fi.xoffset))*bpp
			var v uint32
			for i := 0; i < bpp; i++ {
				v |= uint32(m[off+i]) << (8 * i)
			}
			p := img.Pix[img.PixOffset(x, y):]
			p[0], p[1], p[2], p[3] = get(v, fi.red), get(v, fi.green), get(v, fi.blue), 0xff
		}
	}
	return img
}

// TestWriteImage draws the cat into framebuffer memory of each format and
// checks that the display would show it, as the host check sees it.
func TestWriteImage(t *testing.T) {
	padded := sized(xrgb8888, 320, 200)
	padded.lineLength, padded.xoffset, padded.yoffset = 4096, 8, 2
	padded.smemLen = padded.lineLength * 210
	for _, tc := range []struct {
		name string
		fi   fbInfo
	}{
		{"xrgb8888", sized(xrgb8888, 320, 200)},
		{"bgr888", sized(bgr888, 300, 200)},
		{"rgb565", sized(rgb565, 200, 300)},
		{"x2rgb10", sized(x2rgb10, 256, 192)},
		{"padded stride and offset", padded},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.fi.check(); err != nil {
				t.Fatal(err)
			}
			m := make(memFB, tc.fi.smemLen)
			if err := writeImage(m, tc.fi, mascot.Render(int(tc.fi.xres), int(tc.fi.yres))); err != nil {
				t.Fatal(err)
			}
			if res := mascot.Compare(readBack(m, tc.fi)); !res.OK() {
				t.Errorf("mascot.Compare(framebuffer) = %v, want the cat", res)
			}
		})
	}
	if err := writeImage(make(memFB, 1<<20), sized(xrgb8888, 10, 10), mascot.Render(11, 10)); err == nil {
		t.Errorf("writeImage(wrong size) error = nil, want error")
	}
}

// FuzzScreenInfo checks that whatever the kernel reports, a geometry that
// passes check never writes outside framebuffer memory.
func FuzzScreenInfo(f *testing.F) {
	for _, fi := range []fbInfo{sized(xrgb8888, 64, 48), sized(rgb565, 30, 20), sized(bgr888, 7, 5)} {
		v, fx := screenInfo(fi)
		f.Add(v, fx)
	}
	f.Fuzz(func(t *testing.T, v, fx []byte) {
		var fi fbInfo
		if parseVarScreenInfo(v, &fi) != nil || parseFixScreenInfo(fx, &fi) != nil || fi.check() != nil {
			return
		}
		if fi.smemLen == 0 || fi.smemLen > 1<<20 {
			return
		}
		m := make(memFB, fi.smemLen)
		if err := writeImage(m, fi, image.NewRGBA(image.Rect(0, 0, int(fi.xres), int(fi.yres)))); err != nil {
			t.Fatalf("writeImage(%v) = %v after check passed", fi, err)
		}
	})
}
