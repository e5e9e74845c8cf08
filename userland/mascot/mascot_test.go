package mascot

import (
	"crypto/sha256"
	"fmt"
	"image"
	"image/color"
	"path/filepath"
	"strings"
	"testing"

	"manx/internal/testutil"
)

// goldenSizes are the framebuffer modes the guest is likely to have.
var goldenSizes = [][2]int{{1280, 800}, {1024, 768}, {800, 600}, {640, 480}, {1920, 1080}, {600, 800}, {1, 1}}

// TestRenderGolden pins the exact pixels: init and the host-side check run
// Render on different machines and must agree.
func TestRenderGolden(t *testing.T) {
	var b strings.Builder
	for _, s := range goldenSizes {
		fmt.Fprintf(&b, "%dx%d %x\n", s[0], s[1], sha256.Sum256(Render(s[0], s[1]).Pix))
	}
	testutil.Golden(t, filepath.Join("testdata", "render.golden"), []byte(b.String()))
}

func TestSquare(t *testing.T) {
	for _, tc := range []struct{ w, h, ox, oy, side int }{
		{1280, 800, 240, 0, 800},
		{800, 600, 100, 0, 600},
		{600, 800, 0, 100, 600},
		{1025, 768, 128, 0, 768},
		{500, 500, 0, 0, 500},
	} {
		ox, oy, side := Square(tc.w, tc.h)
		if ox != tc.ox || oy != tc.oy || side != tc.side {
			t.Errorf("Square(%d, %d) = %d, %d, %d, want %d, %d, %d", tc.w, tc.h, ox, oy, side, tc.ox, tc.oy, tc.side)
		}
	}
}

func TestRenderPlacement(t *testing.T) {
	img := Render(1280, 800)
	if got, want := img.Bounds(), image.Rect(0, 0, 1280, 800); got != want {
		t.Fatalf("Render(1280, 800).Bounds() = %v, want %v", got, want)
	}
	for _, tc := range []struct {
		name string
		x, y int
		want color.RGBA
	}{
		{"top-left corner", 0, 0, Background},
		{"left margin", 239, 400, Background},
		{"bottom-right corner", 1279, 799, Background},
		{"belly", 240 + 400, 560, cream},             // design (500, 700)
		{"fur above the belly", 240 + 400, 420, fur}, // design (500, 525)
		{"left pupil", 240 + 332, 296, ink},          // design (415, 370)
		{"right eye", 240 + 468 + 40, 292, eyeGreen}, // design (635, 365)
	} {
		if got := img.RGBAAt(tc.x, tc.y); got != tc.want {
			t.Errorf("%s: Render(1280, 800).At(%d, %d) = %v, want %v", tc.name, tc.x, tc.y, got, tc.want)
		}
	}
	if got := Render(0, 10).Bounds().Empty(); !got {
		t.Errorf("Render(0, 10).Bounds().Empty() = false, want true")
	}
}

func TestShapes(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    shape
		u, v int64
		want bool
	}{
		{"ellipse centre", ellipse{100, 100, 50, 20}, 100, 100, true},
		{"ellipse edge x", ellipse{100, 100, 50, 20}, 150, 100, true},
		{"ellipse outside x", ellipse{100, 100, 50, 20}, 151, 100, false},
		{"ellipse outside diagonal", ellipse{100, 100, 50, 20}, 140, 115, false},
		{"triangle inside", triangle{0, 0, 100, 0, 0, 100}, 10, 10, true},
		{"triangle inside reversed", triangle{0, 0, 0, 100, 100, 0}, 10, 10, true},
		{"triangle outside", triangle{0, 0, 100, 0, 0, 100}, 60, 60, false},
		{"rect inside", rect{0, 0, 10, 10}, 0, 9, true},
		{"rect outside", rect{0, 0, 10, 10}, 10, 5, false},
		{"capsule middle", capsule{0, 0, 100, 0, 5}, 50, 5, true},
		{"capsule beside", capsule{0, 0, 100, 0, 5}, 50, 6, false},
		{"capsule round end", capsule{0, 0, 100, 0, 5}, 103, 4, true},
		{"capsule past end", capsule{0, 0, 100, 0, 5}, 104, 4, false},
		{"capsule point", capsule{7, 7, 7, 7, 2}, 8, 8, true},
		{"mirrored ellipse", mirror(ellipse{100, 100, 10, 10}), 900, 100, true},
		{"mirrored rect", mirror(rect{0, 0, 10, 10}), 995, 5, true},
		{"mirrored triangle", mirror(triangle{0, 0, 100, 0, 0, 100}), 990, 10, true},
		{"mirrored capsule", mirror(capsule{0, 0, 100, 0, 5}), 950, 0, true},
	} {
		if got := tc.s.contains(tc.u, tc.v); got != tc.want {
			t.Errorf("%s: %#v.contains(%d, %d) = %v, want %v", tc.name, tc.s, tc.u, tc.v, got, tc.want)
		}
	}
}

func TestTextUnknownRune(t *testing.T) {
	if got := text("?", 500, 0, 10); len(got) != 0 {
		t.Errorf("text(\"?\") = %d cells, want 0", len(got))
	}
	if got, want := len(text("X", 500, 0, 10)), 13; got != want {
		t.Errorf("text(\"X\") = %d cells, want %d", got, want)
	}
}

func BenchmarkRender1280x800(b *testing.B) {
	for b.Loop() {
		Render(1280, 800)
	}
}
