package mascot

import (
	"fmt"
	"image"
	"image/color"
)

// Comparison thresholds.
const (
	// Tolerance is the largest per-channel difference, 0..255, for a sampled
	// pixel to match: wide enough for RGB565 framebuffers (at most 8 off
	// after QEMU widens them), narrow enough to tell the picture's colours
	// apart.
	Tolerance = 24
	// MinPercent of the cat samples and of the background samples must
	// match, separately: a teal screen without the cat fails the first, a
	// shifted or different picture fails either.
	MinPercent = 95
	// samplesX x samplesY points are compared, on a grid of cell centres.
	samplesX, samplesY = 160, 100
	minSide            = 16
)

// Result is the outcome of comparing a screenshot with the picture.
type Result struct {
	Width, Height int
	Cat, CatMatch int // samples where the expected pixel is part of the cat, and how many matched
	Bg, BgMatch   int // samples where the expected pixel is background, and how many matched
}

// OK reports whether the screenshot shows the cat.
func (r Result) OK() bool {
	return r.Cat > 0 && r.Bg > 0 &&
		r.CatMatch*100 >= r.Cat*MinPercent && r.BgMatch*100 >= r.Bg*MinPercent
}

func (r Result) String() string {
	verdict := "cat on screen"
	if !r.OK() {
		verdict = "no cat"
	}
	return fmt.Sprintf("%s: %dx%d, cat %d/%d samples match, background %d/%d (need %d%% each, tolerance %d)",
		verdict, r.Width, r.Height, r.CatMatch, r.Cat, r.BgMatch, r.Bg, MinPercent, Tolerance)
}

// Compare renders the picture at img's size (the placement rule in the
// package doc) and compares a grid of samples. Images smaller than 16
// pixels on a side never match.
func Compare(img image.Image) Result {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	res := Result{Width: w, Height: h}
	if w < minSide || h < minSide {
		return res
	}
	want := Render(w, h)
	nx, ny := min(samplesX, w), min(samplesY, h)
	for j := 0; j < ny; j++ {
		y := (2*j + 1) * h / (2 * ny)
		for i := 0; i < nx; i++ {
			x := (2*i + 1) * w / (2 * nx)
			e := want.RGBAAt(x, y)
			got := rgbAt(img, b.Min.X+x, b.Min.Y+y)
			ok := near(got, e)
			if e == Background {
				res.Bg++
				if ok {
					res.BgMatch++
				}
			} else {
				res.Cat++
				if ok {
					res.CatMatch++
				}
			}
		}
	}
	return res
}

func near(got [3]uint8, want color.RGBA) bool {
	return absDiff(got[0], want.R) <= Tolerance && absDiff(got[1], want.G) <= Tolerance && absDiff(got[2], want.B) <= Tolerance
}

func absDiff(a, b uint8) int {
	if a > b {
		return int(a - b)
	}
	return int(b - a)
}

// rgbAt returns the 8-bit RGB of img at (x, y), ignoring alpha.
func rgbAt(img image.Image, x, y int) [3]uint8 {
	if m, ok := img.(*image.RGBA); ok {
		c := m.RGBAAt(x, y)
		return [3]uint8{c.R, c.G, c.B}
	}
	r, g, bl, _ := img.At(x, y).RGBA()
	return [3]uint8{uint8(r >> 8), uint8(g >> 8), uint8(bl >> 8)}
}
