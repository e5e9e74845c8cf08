package pcr

import (
	"errors"
	"strings"
	"testing"

	"manx/firmware/varstore"
	"manx/tpm/eventlog"
)

// logOf builds the event log the firmware would write for events (boot
// phases left out), with an EV_NO_ACTION record in every PCR to be ignored.
func logOf(t *testing.T, events []Event) *eventlog.Log {
	t.Helper()
	l, err := eventlog.New(eventlog.SHA1, eventlog.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for _, e := range events {
		if e.Phase != "" {
			continue
		}
		if !seen[e.PCR] {
			seen[e.PCR] = true
			if err := l.Append(e.PCR, eventlog.EvNoAction, nil, []byte("ignored")); err != nil {
				t.Fatal(err)
			}
		}
		l.Events = append(l.Events, eventlog.Event{Index: len(l.Events), PCR: e.PCR, Type: e.Type,
			Digests: []eventlog.Digest{{Alg: eventlog.SHA1, Sum: make([]byte, 20)}, {Alg: eventlog.SHA256, Sum: e.Digests[eventlog.SHA256]}}})
	}
	return l
}

func TestCompare(t *testing.T) {
	u, err := ReadUKI(signedUKI(t))
	if err != nil {
		t.Fatal(err)
	}
	p, err := Predict(Inputs{UKI: u, Vars: &varstore.Store{}, Phases: []string{"enter-initrd"}})
	if err != nil {
		t.Fatal(err)
	}
	good := logOf(t, p.Events)
	for _, pcr := range PCRs {
		if err := Compare(p.Events, good, pcr); err != nil {
			t.Errorf("Compare(PCR %d, matching log) = %v", pcr, err)
		}
	}
	// Replaying the log gives the prediction's values, except PCR 11's
	// boot phase, which only the OS extends.
	values, err := eventlog.Replay(good, eventlog.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	for _, pcr := range []int{4, 7, 9} {
		if string(values[pcr]) != string(p.PCRs[pcr][eventlog.SHA256]) {
			t.Errorf("PCR %d: log replay %x, prediction %x", pcr, values[pcr], p.PCRs[pcr][eventlog.SHA256])
		}
	}

	find := func(l *eventlog.Log, pcr, n int) int {
		for i, e := range l.Events {
			if e.PCR == pcr && e.Type != eventlog.EvNoAction {
				if n == 0 {
					return i
				}
				n--
			}
		}
		t.Fatalf("no event %d in PCR %d", n, pcr)
		return 0
	}
	tests := []struct {
		name   string
		edit   func(l *eventlog.Log)
		pcr    int
		want   string
		pos    int
		actual bool
	}{
		{"digest", func(l *eventlog.Log) { l.Events[find(l, 4, 2)].Digests[1].Sum = make([]byte, 32) }, 4,
			"PCR 4 event 2 (log event", 2, true},
		{"type", func(l *eventlog.Log) { l.Events[find(l, 7, 5)].Type = eventlog.EvAction }, 7,
			"log has pcr=7 EV_ACTION", 5, true},
		{"log has more", func(l *eventlog.Log) { _ = l.Append(9, eventlog.EvEventTag, []byte("x"), nil) }, 9,
			"not predicted: log has pcr=9 EV_EVENT_TAG", 2, true},
		{"log has fewer", func(l *eventlog.Log) { i := find(l, 11, 11); l.Events = append(l.Events[:i], l.Events[i+1:]...) }, 11,
			`missing from the log: predicted pcr=11 EV_IPL`, 11, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := logOf(t, p.Events)
			tt.edit(l)
			err := Compare(p.Events, l, tt.pcr)
			var m *Mismatch
			if !errors.As(err, &m) || !strings.Contains(err.Error(), tt.want) || m.Position != tt.pos || (m.Actual != nil) != tt.actual {
				t.Errorf("Compare() = %v, want a Mismatch at %d containing %q", err, tt.pos, tt.want)
			}
		})
	}
}
