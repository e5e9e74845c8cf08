// Package ukitest makes the refusal fixtures of Manx's Secure Boot checks
// from real UKIs: an image the firmware and sbverify must refuse.
package ukitest

import (
	"bytes"
	"debug/pe"
	"fmt"
)

// FlipInSection returns a copy of a PE file with one byte in the middle of
// the named section inverted (a signed UKI so altered no longer matches its
// Authenticode digest).
func FlipInSection(b []byte, name string) ([]byte, error) {
	f, err := pe.NewFile(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("parsing PE: %w", err)
	}
	s := f.Section(name)
	if s == nil || s.Size == 0 {
		return nil, fmt.Errorf("PE has no %s section", name)
	}
	out := bytes.Clone(b)
	out[int(s.Offset)+int(s.Size)/2] ^= 0xff
	return out, nil
}
