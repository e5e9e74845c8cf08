package pcr

import (
	"fmt"
	"strings"

	"manx/tpm/eventlog"
)

// Mismatch is the first difference between the predicted events of a PCR
// and the log's.
type Mismatch struct {
	PCR      int
	Position int             // among the PCR's events (boot phases and EV_NO_ACTION left out), from 0
	Expected *Event          // nil when the log has more events than predicted
	Actual   *eventlog.Event // nil when the log has fewer events than predicted
	Alg      eventlog.Alg    // the bank whose digests differ, when they do
}

// Error describes the mismatch: where, the predicted event and the logged one.
func (m *Mismatch) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "PCR %d event %d", m.PCR, m.Position)
	if m.Actual != nil {
		fmt.Fprintf(&b, " (log event %d, offset %d)", m.Actual.Index, m.Actual.Offset)
	}
	switch {
	case m.Expected == nil:
		fmt.Fprintf(&b, ": not predicted: log has %s", m.Actual.Line(m.bank()))
	case m.Actual == nil:
		fmt.Fprintf(&b, ": missing from the log: predicted %s", m.Expected.Line(m.bank()))
	default:
		fmt.Fprintf(&b, ": predicted %s; log has %s", m.Expected.Line(m.bank()), m.Actual.Line(m.bank()))
	}
	return b.String()
}

func (m *Mismatch) bank() eventlog.Alg {
	if m.Alg != 0 {
		return m.Alg
	}
	return eventlog.SHA256
}

// Compare checks the predicted events of one PCR against the log's, in
// order: same count, same types, same digest in every bank both carry.
// Boot phases (extended by the OS, not logged) and EV_NO_ACTION records are
// left out. It returns nil or the first difference as a *Mismatch.
func Compare(predicted []Event, log *eventlog.Log, pcr int) error {
	var want []Event
	for _, e := range predicted {
		if e.PCR == pcr && e.Phase == "" {
			want = append(want, e)
		}
	}
	var got []eventlog.Event
	for _, e := range log.Events {
		if e.PCR == pcr && e.Type != eventlog.EvNoAction {
			got = append(got, e)
		}
	}
	for i := 0; i < max(len(want), len(got)); i++ {
		m := &Mismatch{PCR: pcr, Position: i}
		if i < len(want) {
			m.Expected = &want[i]
		}
		if i < len(got) {
			m.Actual = &got[i]
		}
		if m.Expected == nil || m.Actual == nil {
			return m
		}
		if m.Expected.Type != m.Actual.Type {
			return m
		}
		compared := false
		for _, d := range m.Actual.Digests {
			p, ok := m.Expected.Digests[d.Alg]
			if !ok {
				continue
			}
			compared = true
			if string(p) != string(d.Sum) {
				m.Alg = d.Alg
				return m
			}
		}
		if !compared {
			return fmt.Errorf("PCR %d event %d: the prediction and the log share no bank", pcr, i)
		}
	}
	return nil
}
