package eventlog

import (
	"bytes"
	"fmt"
	"io"
	"os"
)

// Log is a parsed firmware event log.
type Log struct {
	// Algorithms are the banks the Spec ID event declares, in its order,
	// with their digest sizes. Empty for a TCG 1.2 (SHA-1 only) log.
	Algorithms []AlgSize
	// Events are all records in log order, the Spec ID header included
	// (Events[0] of a crypto-agile log).
	Events []Event
}

// AlgSize is one entry of the Spec ID event's digest size list.
type AlgSize struct {
	Alg  Alg
	Size int
}

// Event is one log record.
type Event struct {
	Index   int // position in the log, 0 for the first record
	Offset  int // byte offset of the record in the log
	PCR     int
	Type    EventType
	Digests []Digest // in record order, one per bank
	Data    []byte   // the event data (TCG_PCR_EVENT2.Event)
}

// Digest is one entry of a record's TPML_DIGEST_VALUES.
type Digest struct {
	Alg Alg
	Sum []byte
}

// Digest returns the record's digest for bank a.
func (e Event) Digest(a Alg) ([]byte, bool) {
	for _, d := range e.Digests {
		if d.Alg == a {
			return d.Sum, true
		}
	}
	return nil, false
}

// Agile reports whether l is a crypto-agile log.
func (l *Log) Agile() bool { return len(l.Algorithms) > 0 }

// HasAlg reports whether the log carries digests for bank a.
func (l *Log) HasAlg(a Alg) bool {
	if !l.Agile() {
		return a == SHA1
	}
	for _, as := range l.Algorithms {
		if as.Alg == a {
			return true
		}
	}
	return false
}

// PCREvents returns the events of one PCR, in log order.
func (l *Log) PCREvents(pcr int) []Event {
	var out []Event
	for _, e := range l.Events {
		if e.PCR == pcr {
			out = append(out, e)
		}
	}
	return out
}

// maxFileSize bounds ReadFile; real logs are tens of KiB.
const maxFileSize = 16 << 20

// ReadFile reads and parses the log at path (for example
// /sys/kernel/security/tpm0/binary_bios_measurements). Files over 16 MiB are
// refused.
func ReadFile(path string) (*Log, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var buf bytes.Buffer
	// securityfs reports size 0, so read to EOF, capped.
	if _, err := buf.ReadFrom(io.LimitReader(f, maxFileSize+1)); err != nil {
		return nil, fmt.Errorf("reading event log %s: %w", path, err)
	}
	if buf.Len() > maxFileSize {
		return nil, fmt.Errorf("event log %s: larger than %d bytes", path, maxFileSize)
	}
	l, err := Parse(buf.Bytes())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return l, nil
}
