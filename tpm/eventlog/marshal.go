package eventlog

import (
	"encoding/binary"
	"fmt"
)

// New returns a crypto-agile log for the given banks holding only the Spec
// ID header event, as EDK II writes it (platform class 0, spec 2.0 errata 0,
// UINTN size 2 = 64 bits, no vendor info). Append events to Events and
// Marshal it to get a binary log.
func New(algs ...Alg) (*Log, error) {
	if len(algs) == 0 {
		return nil, fmt.Errorf("new event log: no banks")
	}
	l := &Log{}
	spec := append([]byte(nil), specIDSignature...)
	spec = binary.LittleEndian.AppendUint32(spec, 0) // platformClass
	spec = append(spec, 0, 2, 0, 2)                  // specVersionMinor, Major, errata, uintnSize
	spec = binary.LittleEndian.AppendUint32(spec, uint32(len(algs)))
	for _, a := range algs {
		if a.Size() == 0 {
			return nil, fmt.Errorf("new event log: unknown bank %s", a)
		}
		for _, as := range l.Algorithms {
			if as.Alg == a {
				return nil, fmt.Errorf("new event log: bank %s twice", a)
			}
		}
		l.Algorithms = append(l.Algorithms, AlgSize{a, a.Size()})
		spec = binary.LittleEndian.AppendUint16(spec, uint16(a))
		spec = binary.LittleEndian.AppendUint16(spec, uint16(a.Size()))
	}
	spec = append(spec, 0) // vendorInfoSize
	l.Events = []Event{{PCR: 0, Type: EvNoAction, Digests: []Digest{{SHA1, make([]byte, sha1Len)}}, Data: spec}}
	return l, nil
}

// Marshal encodes l in the binary format Parse reads: Events[0] as a SHA-1
// TCG_PCR_EVENT and, in a crypto-agile log, every later event as a
// TCG_PCR_EVENT2 with its digests in the order given. Index and Offset are
// ignored. Every digest must belong to a declared bank and have its size.
func Marshal(l *Log) ([]byte, error) {
	if len(l.Events) == 0 {
		return nil, fmt.Errorf("marshalling event log: no events")
	}
	var b []byte
	for i, e := range l.Events {
		if e.PCR < 0 || e.PCR > MaxPCR {
			return nil, fmt.Errorf("marshalling event log: event %d: PCR %d out of range", i, e.PCR)
		}
		b = binary.LittleEndian.AppendUint32(b, uint32(e.PCR))
		b = binary.LittleEndian.AppendUint32(b, uint32(e.Type))
		if i == 0 || !l.Agile() {
			sum, ok := e.Digest(SHA1)
			if !ok && i == 0 {
				sum = make([]byte, sha1Len)
			}
			if len(sum) != sha1Len || len(e.Digests) > 1 {
				return nil, fmt.Errorf("marshalling event log: event %d: a SHA-1 format event needs exactly one SHA-1 digest", i)
			}
			b = append(b, sum...)
		} else {
			b = binary.LittleEndian.AppendUint32(b, uint32(len(e.Digests)))
			for _, d := range e.Digests {
				size := -1
				for _, as := range l.Algorithms {
					if as.Alg == d.Alg {
						size = as.Size
					}
				}
				if size != len(d.Sum) {
					return nil, fmt.Errorf("marshalling event log: event %d: %s digest of %d bytes, the log declares %d", i, d.Alg, len(d.Sum), size)
				}
				b = binary.LittleEndian.AppendUint16(b, uint16(d.Alg))
				b = append(b, d.Sum...)
			}
		}
		if uint64(len(e.Data)) > 1<<32-1 {
			return nil, fmt.Errorf("marshalling event log: event %d: data too large", i)
		}
		b = binary.LittleEndian.AppendUint32(b, uint32(len(e.Data)))
		b = append(b, e.Data...)
	}
	return b, nil
}

// Append adds an event whose digests are the hash of hashed in every bank
// of l (zero digests for EV_NO_ACTION, as the PFP requires), with data as
// its event data. It is how firmware's HashLogExtendEvent builds a record.
func (l *Log) Append(pcr int, typ EventType, hashed, data []byte) error {
	banks := l.Algorithms
	if !l.Agile() {
		banks = []AlgSize{{SHA1, sha1Len}}
	}
	e := Event{Index: len(l.Events), PCR: pcr, Type: typ, Data: data}
	for _, as := range banks {
		sum := make([]byte, as.Size)
		if typ != EvNoAction {
			var err error
			if sum, err = as.Alg.Sum(hashed); err != nil {
				return fmt.Errorf("appending event %d: %w", e.Index, err)
			}
		}
		e.Digests = append(e.Digests, Digest{as.Alg, sum})
	}
	l.Events = append(l.Events, e)
	return nil
}
