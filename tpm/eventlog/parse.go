package eventlog

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

// ErrMalformed marks a log that does not parse.
var ErrMalformed = errors.New("malformed event log")

// Record layout sizes (PFP §10.2).
const (
	pcrEventHeaderLen = 4 + 4 + 20 + 4 // TCG_PCR_EVENT: PCRIndex, EventType, SHA-1 digest, EventSize
	sha1Len           = 20
	// MaxPCR bounds the PCR index of a record; TPM 2.0 PC Client TPMs have
	// 24 PCRs, so larger indexes only come from corrupted logs.
	MaxPCR = 1023
)

// specIDSignature starts the data of the crypto-agile log's header event
// (TCG_EfiSpecIDEventStruct.signature).
var specIDSignature = []byte("Spec ID Event03\x00")

// startupLocalitySignature starts the data of the EV_NO_ACTION event that
// records the locality of TPM2_Startup (PFP §10.4.5.3).
var startupLocalitySignature = []byte("StartupLocality\x00")

func malformed(off int, format string, a ...any) error {
	return fmt.Errorf("%w: offset %d (%#x): %s", ErrMalformed, off, off, fmt.Sprintf(format, a...))
}

// reader walks b with bounds checks; every read names the offset it failed at.
type reader struct {
	b   []byte
	off int
}

func (r *reader) left() int { return len(r.b) - r.off }

func (r *reader) u32(what string) (uint32, error) {
	if r.left() < 4 {
		return 0, malformed(r.off, "truncated %s: %d bytes left, need 4", what, r.left())
	}
	v := binary.LittleEndian.Uint32(r.b[r.off:])
	r.off += 4
	return v, nil
}

func (r *reader) u16(what string) (uint16, error) {
	if r.left() < 2 {
		return 0, malformed(r.off, "truncated %s: %d bytes left, need 2", what, r.left())
	}
	v := binary.LittleEndian.Uint16(r.b[r.off:])
	r.off += 2
	return v, nil
}

// bytes returns a copy of the next n bytes.
func (r *reader) bytes(n uint64, what string) ([]byte, error) {
	if n > uint64(r.left()) {
		return nil, malformed(r.off, "%s of %d bytes runs past the end of the log (%d bytes left)", what, n, r.left())
	}
	out := bytes.Clone(r.b[r.off : r.off+int(n)])
	if out == nil {
		out = []byte{}
	}
	r.off += int(n)
	return out, nil
}

// Parse parses a binary event log. A log whose first record carries the
// "Spec ID Event03" structure is read as crypto-agile; otherwise every
// record is read as a SHA-1 TCG_PCR_EVENT. The input is not retained.
func Parse(b []byte) (*Log, error) {
	r := &reader{b: b}
	if len(b) == 0 {
		return nil, malformed(0, "empty log")
	}
	first, err := r.pcrEvent(0)
	if err != nil {
		return nil, err
	}
	l := &Log{Events: []Event{first}}
	if first.Type == EvNoAction && bytes.HasPrefix(first.Data, specIDSignature) {
		if l.Algorithms, err = parseSpecID(first.Data, first.Offset+pcrEventHeaderLen); err != nil {
			return nil, err
		}
	}
	for r.left() > 0 {
		var e Event
		if l.Agile() {
			e, err = r.pcrEvent2(len(l.Events), l.Algorithms)
		} else {
			e, err = r.pcrEvent(len(l.Events))
		}
		if err != nil {
			return nil, err
		}
		l.Events = append(l.Events, e)
	}
	return l, nil
}

func (r *reader) pcrIndex(start int) (int, error) {
	pcr, err := r.u32("PCR index")
	if err != nil {
		return 0, err
	}
	if pcr > MaxPCR {
		return 0, malformed(start, "PCR index %d out of range (0..%d)", pcr, MaxPCR)
	}
	return int(pcr), nil
}

// pcrEvent reads one TCG_PCR_EVENT (SHA-1 log format).
func (r *reader) pcrEvent(index int) (Event, error) {
	e := Event{Index: index, Offset: r.off}
	if r.left() < pcrEventHeaderLen {
		return e, malformed(r.off, "truncated event %d header: %d bytes left, need %d", index, r.left(), pcrEventHeaderLen)
	}
	var err error
	if e.PCR, err = r.pcrIndex(e.Offset); err != nil {
		return e, err
	}
	t, _ := r.u32("event type")
	e.Type = EventType(t)
	sum, _ := r.bytes(sha1Len, "SHA-1 digest")
	e.Digests = []Digest{{SHA1, sum}}
	size, _ := r.u32("event size")
	if e.Data, err = r.bytes(uint64(size), fmt.Sprintf("event %d data", index)); err != nil {
		return e, err
	}
	return e, nil
}

// pcrEvent2 reads one TCG_PCR_EVENT2 (crypto-agile format).
func (r *reader) pcrEvent2(index int, algs []AlgSize) (Event, error) {
	e := Event{Index: index, Offset: r.off}
	var err error
	if e.PCR, err = r.pcrIndex(e.Offset); err != nil {
		return e, err
	}
	t, err := r.u32("event type")
	if err != nil {
		return e, err
	}
	e.Type = EventType(t)
	countOff := r.off
	count, err := r.u32("digest count")
	if err != nil {
		return e, err
	}
	// Each bank appears at most once, so the count cannot exceed the
	// number of banks the header declares.
	if count > uint32(len(algs)) {
		return e, malformed(countOff, "event %d has %d digests, the log declares %d banks", index, count, len(algs))
	}
	e.Digests = make([]Digest, 0, count)
	for i := uint32(0); i < count; i++ {
		algOff := r.off
		id, err := r.u16("digest algorithm")
		if err != nil {
			return e, err
		}
		size := -1
		for _, as := range algs {
			if as.Alg == Alg(id) {
				size = as.Size
			}
		}
		if size < 0 {
			return e, malformed(algOff, "event %d: digest algorithm %s not declared in the Spec ID event", index, Alg(id))
		}
		if _, dup := e.Digest(Alg(id)); dup {
			return e, malformed(algOff, "event %d: two %s digests", index, Alg(id))
		}
		sum, err := r.bytes(uint64(size), Alg(id).String()+" digest")
		if err != nil {
			return e, err
		}
		e.Digests = append(e.Digests, Digest{Alg(id), sum})
	}
	size, err := r.u32("event size")
	if err != nil {
		return e, err
	}
	if e.Data, err = r.bytes(uint64(size), fmt.Sprintf("event %d data", index)); err != nil {
		return e, err
	}
	return e, nil
}

// parseSpecID parses TCG_EfiSpecIDEventStruct (PFP §10.4.5.1); base is the
// offset of data in the log, for errors.
func parseSpecID(data []byte, base int) ([]AlgSize, error) {
	r := &reader{b: data}
	if _, err := r.bytes(uint64(len(specIDSignature))+4+4, "Spec ID header"); err != nil { // signature, platformClass, version, errata, uintnSize
		return nil, malformed(base+r.off, "truncated Spec ID event")
	}
	n, err := r.u32("numberOfAlgorithms")
	if err != nil {
		return nil, malformed(base+r.off, "truncated Spec ID event: no algorithm count")
	}
	if n == 0 {
		return nil, malformed(base+r.off-4, "Spec ID event declares no algorithms")
	}
	if uint64(n)*4 > uint64(r.left()) {
		return nil, malformed(base+r.off-4, "Spec ID event declares %d algorithms, only %d bytes follow", n, r.left())
	}
	algs := make([]AlgSize, 0, n)
	for i := uint32(0); i < n; i++ {
		off := base + r.off
		id, _ := r.u16("algorithmId")
		size, _ := r.u16("digestSize")
		a := Alg(id)
		switch {
		case size == 0 || size > maxDigestSize:
			return nil, malformed(off, "Spec ID event: %s digest size %d (want 1..%d)", a, size, maxDigestSize)
		case a.Size() != 0 && int(size) != a.Size():
			return nil, malformed(off, "Spec ID event: %s digest size %d, want %d", a, size, a.Size())
		}
		for _, as := range algs {
			if as.Alg == a {
				return nil, malformed(off, "Spec ID event lists %s twice", a)
			}
		}
		algs = append(algs, AlgSize{a, int(size)})
	}
	vOff := base + r.off
	if r.left() < 1 {
		return nil, malformed(vOff, "truncated Spec ID event: no vendorInfoSize")
	}
	vendor := int(data[r.off])
	if r.left()-1 < vendor {
		return nil, malformed(vOff, "Spec ID event: vendorInfoSize %d, only %d bytes follow", vendor, r.left()-1)
	}
	return algs, nil
}
