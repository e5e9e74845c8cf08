// Package mascot draws Manx's cat, a tailless ginger cat above the word "MANX"
// on a teal screen, and decides whether a screenshot shows it.
//
// Placement rule, shared by the guest's init (which draws it on /dev/fb0) and
// the host's boot check (which compares a QEMU screendump with it): the
// picture fills the whole visible screen, W x H pixels. The background colour
// covers every pixel; the cat is drawn in the centred square of side
// S = min(W, H) whose top-left corner is ((W-S)/2, (H-S)/2) (integer
// division). Inside that square, shapes are defined in design units 0..1000;
// pixel (x, y) samples the design point at its centre,
// ((2(x-ox)+1)*1000/(2S), (2(y-oy)+1)*1000/(2S)), in integer arithmetic, so
// Render is a pure, platform-independent function of W and H.
package mascot

import (
	"image"
	"image/color"
)

// Design is the side of the design square in design units.
const Design = 1000

// Colours of the picture.
var (
	Background = color.RGBA{0x17, 0x8f, 0x9a, 0xff} // teal
	fur        = color.RGBA{0xf2, 0x99, 0x3a, 0xff} // ginger
	stripe     = color.RGBA{0xb8, 0x58, 0x12, 0xff}
	cream      = color.RGBA{0xff, 0xf4, 0xe0, 0xff}
	pink       = color.RGBA{0xf4, 0x8f, 0xb1, 0xff}
	eyeGreen   = color.RGBA{0x7c, 0xd2, 0x3e, 0xff}
	ink        = color.RGBA{0x1b, 0x1b, 0x1b, 0xff}
	white      = color.RGBA{0xff, 0xff, 0xff, 0xff}
	textColour = color.RGBA{0xff, 0xe1, 0x5a, 0xff} // yellow
)

// Square returns the cat's square on a w x h screen: its top-left corner and
// side.
func Square(w, h int) (ox, oy, side int) {
	side = min(w, h)
	return (w - side) / 2, (h - side) / 2, side
}

// Render draws the picture at w x h pixels. Non-positive sizes give an empty
// image.
func Render(w, h int) *image.RGBA {
	if w <= 0 || h <= 0 {
		return image.NewRGBA(image.Rect(0, 0, 0, 0))
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	ox, oy, s := Square(w, h)
	// Design coordinate of each column and row of the square.
	us := make([]int64, s)
	for i := range us {
		us[i] = int64(2*i+1) * Design / int64(2*s)
	}
	active := make([]layer, 0, len(picture))
	for y := 0; y < h; y++ {
		row := img.Pix[y*img.Stride : y*img.Stride+4*w]
		inY := y >= oy && y < oy+s
		if inY {
			active = rowLayers(active[:0], us[y-oy])
		}
		for x := 0; x < w; x++ {
			c := Background
			if inY && x >= ox && x < ox+s {
				c = colourAt(active, us[x-ox], us[y-oy])
			}
			p := row[4*x : 4*x+4]
			p[0], p[1], p[2], p[3] = c.R, c.G, c.B, 0xff
		}
	}
	return img
}

// rowLayers appends to dst the layers whose bounding box meets row v,
// bottom first.
func rowLayers(dst []layer, v int64) []layer {
	for _, l := range picture {
		if v >= l.v0 && v <= l.v1 {
			dst = append(dst, l)
		}
	}
	return dst
}

// colourAt returns the colour of design point (u, v) among layers: the
// topmost shape containing it, else the background.
func colourAt(layers []layer, u, v int64) color.RGBA {
	for i := len(layers) - 1; i >= 0; i-- {
		l := &layers[i]
		if u >= l.u0 && u <= l.u1 && l.shape.contains(u, v) {
			return l.colour
		}
	}
	return Background
}
