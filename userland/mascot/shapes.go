package mascot

import "image/color"

// shape is a region of the design square. All tests use int64 arithmetic
// on design units, so every platform renders the same pixels.
type shape interface {
	contains(u, v int64) bool
	// bounds returns the inclusive bounding box.
	bounds() (u0, v0, u1, v1 int64)
}

// ellipse is centred at (cx, cy) with radii rx, ry.
type ellipse struct{ cx, cy, rx, ry int64 }

func (e ellipse) contains(u, v int64) bool {
	dx, dy := u-e.cx, v-e.cy
	if dx < -e.rx || dx > e.rx || dy < -e.ry || dy > e.ry {
		return false
	}
	return dx*dx*e.ry*e.ry+dy*dy*e.rx*e.rx <= e.rx*e.rx*e.ry*e.ry
}

func (e ellipse) bounds() (int64, int64, int64, int64) {
	return e.cx - e.rx, e.cy - e.ry, e.cx + e.rx, e.cy + e.ry
}

// triangle has corners a, b, c in any orientation.
type triangle struct{ ax, ay, bx, by, cx, cy int64 }

func (t triangle) contains(u, v int64) bool {
	d1 := cross(t.ax, t.ay, t.bx, t.by, u, v)
	d2 := cross(t.bx, t.by, t.cx, t.cy, u, v)
	d3 := cross(t.cx, t.cy, t.ax, t.ay, u, v)
	neg := d1 < 0 || d2 < 0 || d3 < 0
	pos := d1 > 0 || d2 > 0 || d3 > 0
	return !(neg && pos)
}

func (t triangle) bounds() (int64, int64, int64, int64) {
	return min(t.ax, t.bx, t.cx), min(t.ay, t.by, t.cy), max(t.ax, t.bx, t.cx), max(t.ay, t.by, t.cy)
}

func cross(ax, ay, bx, by, px, py int64) int64 {
	return (bx-ax)*(py-ay) - (by-ay)*(px-ax)
}

// rect is [x0, x1) x [y0, y1).
type rect struct{ x0, y0, x1, y1 int64 }

func (r rect) contains(u, v int64) bool {
	return u >= r.x0 && u < r.x1 && v >= r.y0 && v < r.y1
}

func (r rect) bounds() (int64, int64, int64, int64) { return r.x0, r.y0, r.x1 - 1, r.y1 - 1 }

// capsule is the set of points within r of the segment a-b: a thick line
// with round ends.
type capsule struct{ ax, ay, bx, by, r int64 }

func (c capsule) contains(u, v int64) bool {
	dx, dy := c.bx-c.ax, c.by-c.ay
	px, py := u-c.ax, v-c.ay
	dot := px*dx + py*dy
	l2 := dx*dx + dy*dy
	switch {
	case dot <= 0 || l2 == 0:
		return px*px+py*py <= c.r*c.r
	case dot >= l2:
		qx, qy := u-c.bx, v-c.by
		return qx*qx+qy*qy <= c.r*c.r
	}
	cr := dx*py - dy*px
	return cr*cr <= c.r*c.r*l2
}

func (c capsule) bounds() (int64, int64, int64, int64) {
	return min(c.ax, c.bx) - c.r, min(c.ay, c.by) - c.r, max(c.ax, c.bx) + c.r, max(c.ay, c.by) + c.r
}

// layer is a shape painted in one colour, with the shape's bounding box
// cached so most tests are two comparisons.
type layer struct {
	shape          shape
	colour         color.RGBA
	u0, v0, u1, v1 int64
}

func newLayer(s shape, c color.RGBA) layer {
	u0, v0, u1, v1 := s.bounds()
	return layer{s, c, u0, v0, u1, v1}
}

// mirror reflects a shape about the vertical centre line u = Design/2.
func mirror(s shape) shape {
	const m = Design
	switch s := s.(type) {
	case ellipse:
		return ellipse{m - s.cx, s.cy, s.rx, s.ry}
	case triangle:
		return triangle{m - s.ax, s.ay, m - s.bx, s.by, m - s.cx, s.cy}
	case rect:
		return rect{m - s.x1, s.y0, m - s.x0, s.y1}
	case capsule:
		return capsule{m - s.ax, s.ay, m - s.bx, s.by, s.r}
	}
	return s
}
