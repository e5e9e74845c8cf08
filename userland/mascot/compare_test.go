package mascot

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"math/rand/v2"
	"testing"
)

// viaPPM encodes img as PPM and decodes it, as the host check sees a
// QEMU screendump.
func viaPPM(t *testing.T, img image.Image) *image.RGBA {
	t.Helper()
	var b bytes.Buffer
	if err := EncodePPM(&b, img); err != nil {
		t.Fatal(err)
	}
	out, err := DecodePPM(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// rgb565 quantises img as a 16 bpp framebuffer stores it and widens it back
// by bit replication, as QEMU does.
func rgb565(img *image.RGBA) *image.RGBA {
	out := image.NewRGBA(img.Bounds())
	for i := 0; i < len(img.Pix); i += 4 {
		r, g, b := img.Pix[i]>>3, img.Pix[i+1]>>2, img.Pix[i+2]>>3
		out.Pix[i], out.Pix[i+1], out.Pix[i+2], out.Pix[i+3] = r<<3|r>>2, g<<2|g>>4, b<<3|b>>2, 0xff
	}
	return out
}

func solid(w, h int, c color.RGBA) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), &image.Uniform{c}, image.Point{}, draw.Src)
	return img
}

// textConsole imitates fbcon: grey 8x16 glyph blocks on black.
func textConsole(w, h int) *image.RGBA {
	img := solid(w, h, color.RGBA{0, 0, 0, 0xff})
	r := rand.New(rand.NewPCG(1, 2))
	for y := 0; y+16 <= h; y += 16 {
		n := r.IntN(w / 8)
		for x := 0; x < n*8; x += 8 {
			if r.IntN(5) > 0 {
				draw.Draw(img, image.Rect(x+1, y+3, x+7, y+14), &image.Uniform{color.RGBA{0xaa, 0xaa, 0xaa, 0xff}}, image.Point{}, draw.Src)
			}
		}
	}
	return img
}

func noise(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(3, 4))
	for i := range img.Pix {
		img.Pix[i] = uint8(r.UintN(256))
	}
	return img
}

// shifted draws the picture moved by dx, dy on its own background.
func shifted(w, h, dx, dy int) *image.RGBA {
	img := solid(w, h, Background)
	src := Render(w, h)
	draw.Draw(img, src.Bounds().Add(image.Pt(dx, dy)), src, image.Point{}, draw.Src)
	return img
}

// smaller draws the picture at half size in the top-left corner: the cat,
// but not where the placement rule puts it.
func smaller(w, h int) *image.RGBA {
	img := solid(w, h, Background)
	src := Render(w/2, h/2)
	draw.Draw(img, src.Bounds(), src, image.Point{}, draw.Src)
	return img
}

func upsideDown(w, h int) *image.RGBA {
	src := Render(w, h)
	img := image.NewRGBA(src.Bounds())
	for y := 0; y < h; y++ {
		copy(img.Pix[y*img.Stride:(y+1)*img.Stride], src.Pix[(h-1-y)*src.Stride:(h-y)*src.Stride])
	}
	return img
}

func TestCompare(t *testing.T) {
	const w, h = 1280, 800
	for _, tc := range []struct {
		name string
		img  image.Image
		want bool
	}{
		{"cat 1280x800", Render(1280, 800), true},
		{"cat 800x600", Render(800, 600), true},
		{"cat 1024x768", Render(1024, 768), true},
		{"cat 640x480", Render(640, 480), true},
		{"cat portrait", Render(600, 800), true},
		{"cat 1920x1080", Render(1920, 1080), true},
		{"cat RGB565", rgb565(Render(w, h)), true},
		{"cat shifted 2px", shifted(w, h, 2, 1), true},
		{"black", solid(w, h, color.RGBA{0, 0, 0, 0xff}), false},
		{"background only", solid(w, h, Background), false},
		{"text console", textConsole(w, h), false},
		{"noise", noise(w, h), false},
		{"cat shifted 5%", shifted(w, h, 40, 0), false},
		{"cat shifted down", shifted(w, h, 0, 30), false},
		{"cat half size", smaller(w, h), false},
		{"cat upside down", upsideDown(w, h), false},
		{"tiny", Render(8, 8), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := Compare(viaPPM(t, tc.img))
			if res.OK() != tc.want {
				t.Errorf("Compare(%s).OK() = %v, want %v (%v)", tc.name, res.OK(), tc.want, res)
			}
			t.Log(res)
		})
	}
}

// TestCompareOffsetBounds checks that images not starting at (0, 0) are
// read relative to their bounds.
func TestCompareOffsetBounds(t *testing.T) {
	img := Render(800, 600)
	sub := image.NewRGBA(image.Rect(10, 20, 810, 620))
	draw.Draw(sub, sub.Bounds(), img, image.Point{}, draw.Src)
	if res := Compare(sub); !res.OK() {
		t.Errorf("Compare(offset cat) = %v, want OK", res)
	}
}
