package ovmf

import (
	"errors"
	"fmt"
	"io"
)

// readAt reads exactly n bytes at off. The caller has checked that the range lies
// inside the image; a short read is an error.
func readAt(r io.ReaderAt, off, n int64) ([]byte, error) {
	buf := make([]byte, n)
	got, err := r.ReadAt(buf, off)
	if int64(got) == n {
		return buf, nil
	}
	if err == nil || errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return nil, fmt.Errorf("reading %d bytes at offset %#x: %w", n, off, err)
}
