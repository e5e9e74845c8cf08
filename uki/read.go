package uki

import (
	"fmt"

	"manx/uki/internal/pe"
)

// SectionData returns the data of the named section of the UKI img (its
// VirtualSize bytes), and whether the section is there.
func SectionData(img []byte, name string) ([]byte, bool, error) {
	m, err := pe.Parse(img)
	if err != nil {
		return nil, false, fmt.Errorf("reading UKI section %s: %w", name, err)
	}
	b, ok := m.SectionData(name)
	return b, ok, nil
}
