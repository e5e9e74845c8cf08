package mascot

import (
	"bufio"
	"errors"
	"fmt"
	"image"
	"io"
)

// maxPPMSide bounds each PPM dimension; the raster must also be present in
// full before anything is allocated, so memory stays proportional to input.
const maxPPMSide = 1 << 15

// DecodePPM decodes a binary PPM (P6) image, as QEMU's screendump writes
// it: "P6", width, height and maxval separated by whitespace or #-comments,
// one whitespace byte, then width*height RGB triples of one byte (maxval
// < 256) or two big-endian bytes (maxval < 65536) each, scaled to 8 bits.
// Bytes after the raster are ignored.
func DecodePPM(b []byte) (*image.RGBA, error) {
	if len(b) < 2 || b[0] != 'P' || b[1] != '6' {
		return nil, errors.New("ppm: not a binary PPM (want magic P6)")
	}
	pos := 2
	var fields [3]int
	for i, name := range []string{"width", "height", "maxval"} {
		var err error
		pos, err = skipSpace(b, pos)
		if err != nil {
			return nil, fmt.Errorf("ppm: before %s: %w", name, err)
		}
		fields[i], pos, err = readUint(b, pos)
		if err != nil {
			return nil, fmt.Errorf("ppm: %s: %w", name, err)
		}
	}
	w, h, maxval := fields[0], fields[1], fields[2]
	switch {
	case w < 1 || h < 1 || w > maxPPMSide || h > maxPPMSide:
		return nil, fmt.Errorf("ppm: size %dx%d: want 1..%d per side", w, h, maxPPMSide)
	case maxval < 1 || maxval > 65535:
		return nil, fmt.Errorf("ppm: maxval %d: want 1..65535", maxval)
	}
	if pos >= len(b) || !isSpace(b[pos]) {
		return nil, errors.New("ppm: want one whitespace byte after maxval")
	}
	pos++
	bps := 1
	if maxval > 255 {
		bps = 2
	}
	need := w * h * 3 * bps
	if len(b)-pos < need {
		return nil, fmt.Errorf("ppm: raster has %d bytes, want %d for %dx%d maxval %d", len(b)-pos, need, w, h, maxval)
	}
	raster := b[pos : pos+need]
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := 0; i < w*h; i++ {
		for c := 0; c < 3; c++ {
			var v int
			if bps == 1 {
				v = int(raster[3*i+c])
			} else {
				v = int(raster[6*i+2*c])<<8 | int(raster[6*i+2*c+1])
			}
			if v > maxval {
				v = maxval
			}
			img.Pix[4*i+c] = uint8((v*255 + maxval/2) / maxval)
		}
		img.Pix[4*i+3] = 0xff
	}
	return img, nil
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// skipSpace skips whitespace and comments; at least one separator byte is
// required.
func skipSpace(b []byte, pos int) (int, error) {
	start := pos
	for pos < len(b) {
		switch {
		case isSpace(b[pos]):
			pos++
		case b[pos] == '#':
			for pos < len(b) && b[pos] != '\n' && b[pos] != '\r' {
				pos++
			}
		default:
			if pos == start {
				return pos, errors.New("want whitespace")
			}
			return pos, nil
		}
	}
	return pos, io.ErrUnexpectedEOF
}

// readUint reads a decimal number of at most 6 digits.
func readUint(b []byte, pos int) (int, int, error) {
	n, digits := 0, 0
	for pos < len(b) && b[pos] >= '0' && b[pos] <= '9' {
		if digits == 6 {
			return 0, pos, errors.New("number too long")
		}
		n = n*10 + int(b[pos]-'0')
		digits++
		pos++
	}
	if digits == 0 {
		if pos >= len(b) {
			return 0, pos, io.ErrUnexpectedEOF
		}
		return 0, pos, fmt.Errorf("want a decimal number, got %q", b[pos])
	}
	return n, pos, nil
}

// EncodePPM writes img as a binary PPM with maxval 255.
func EncodePPM(w io.Writer, img image.Image) error {
	r := img.Bounds()
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "P6\n%d %d\n255\n", r.Dx(), r.Dy())
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c := rgbAt(img, x, y)
			bw.Write([]byte{c[0], c[1], c[2]})
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing PPM: %w", err)
	}
	return nil
}
