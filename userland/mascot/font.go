package mascot

import "image/color"

// layerColour is the colour type layers use.
type layerColour = color.RGBA

// glyphs is a 5x7 bitmap font for the letters the picture uses.
var glyphs = map[rune][7]string{
	'M': {"#...#", "##.##", "#.#.#", "#.#.#", "#...#", "#...#", "#...#"},
	'A': {".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"},
	'N': {"#...#", "##..#", "#.#.#", "#..##", "#...#", "#...#", "#...#"},
	'X': {"#...#", "#...#", ".#.#.", "..#..", ".#.#.", "#...#", "#...#"},
}

// text returns one rect per lit font cell of s, centred horizontally on cx
// with its top at y, each cell cell x cell design units and two cells
// between letters. Runes without a glyph are left blank.
func text(s string, cx, y, cell int64) []shape {
	rs := []rune(s)
	n := int64(len(rs))
	width := n*5*cell + (n-1)*2*cell
	x0 := cx - width/2
	var out []shape
	for i, r := range rs {
		g := glyphs[r]
		lx := x0 + int64(i)*7*cell
		for row, line := range g {
			for col, c := range line {
				if c == '#' {
					x, yy := lx+int64(col)*cell, y+int64(row)*cell
					out = append(out, rect{x, yy, x + cell, yy + cell})
				}
			}
		}
	}
	return out
}
