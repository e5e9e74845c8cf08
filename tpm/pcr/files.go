package pcr

import (
	"fmt"
	"os"
)

// maxInputSize bounds the files the prediction reads (a UKI is ~25 MB).
const maxInputSize = 1 << 30

func readFile(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.Size() > maxInputSize {
		return nil, fmt.Errorf("%s: %d bytes, more than the %d this reads", path, fi.Size(), maxInputSize)
	}
	return os.ReadFile(path)
}
