package pcr

import (
	"cmp"
	"fmt"
	"hash"
	"slices"

	"manx/tpm/eventlog"
)

// Authenticode returns the Authenticode digest of the PE image b in bank a,
// computed as EDK II measures images into PCR 4 (SecurityPkg
// Tcg2Dxe/MeasureBootPeCoff.c, Tcg2MeasurePeImage): the headers without
// CheckSum and the certificate table entry, the sections in file order,
// then any data after the last section up to the certificate table. Unlike
// go-uefi's authenticode.Hash, nothing is zero-padded to 8 bytes: EDK II
// does not pad, so the two agree only for 8-byte-aligned images (every
// signed one).
func Authenticode(b []byte, a eventlog.Alg) ([]byte, error) {
	m, err := parsePE(b)
	if err != nil {
		return nil, err
	}
	ch, ok := a.Hash()
	if !ok {
		return nil, fmt.Errorf("authenticode: cannot compute %s", a)
	}
	h := ch.New()
	m.authenticode(h)
	return h.Sum(nil), nil
}

func (m *peImage) authenticode(h hash.Hash) {
	b := m.b
	h.Write(b[:m.checksumOff])
	if m.secDirOff < 0 {
		h.Write(b[m.checksumOff+4 : m.sizeOfHeaders])
	} else {
		h.Write(b[m.checksumOff+4 : m.secDirOff])
		h.Write(b[m.secDirOff+8 : m.sizeOfHeaders])
	}
	sum := m.sizeOfHeaders
	secs := slices.Clone(m.sections)
	slices.SortStableFunc(secs, func(x, y peSection) int { return cmp.Compare(x.rawPtr, y.rawPtr) })
	for _, s := range secs {
		if s.rawSize == 0 {
			continue
		}
		h.Write(b[s.rawPtr : s.rawPtr+s.rawSize])
		sum += int(s.rawSize)
	}
	if end := len(b) - m.certSize; end > sum {
		h.Write(b[sum:end])
	}
}
