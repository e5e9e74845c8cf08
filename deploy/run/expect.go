// Package run boots a profile under QEMU: interactively (serial on the
// terminal) or as a headless check that passes only on the exact serial
// markers it expects, in order, within a timeout, and, for graphical
// profiles, on Manx's cat in a QMP screendump, and fails on refused serial
// text seen before its watch ends (a window after the last marker, or the
// guest's power-off).
package run

import (
	"fmt"
	"strings"
)

// Matcher follows a growing serial log and finds markers in order.
type Matcher struct {
	Expect []string
	Refuse []string

	next int // index of the next marker to find
	pos  int // offset after the last marker found
}

// Event is a marker found at a byte offset.
type Event struct {
	Marker string
	Offset int
}

// Feed examines the whole log so far. It returns the markers newly found and
// an error if refused text appeared anywhere.
func (m *Matcher) Feed(log string) ([]Event, error) {
	for _, r := range m.Refuse {
		if i := strings.Index(log, r); i >= 0 {
			return nil, fmt.Errorf("refused output %q at offset %d", r, i)
		}
	}
	var found []Event
	for m.next < len(m.Expect) {
		i := strings.Index(log[m.pos:], m.Expect[m.next])
		if i < 0 {
			break
		}
		m.pos += i + len(m.Expect[m.next])
		found = append(found, Event{Marker: m.Expect[m.next], Offset: m.pos})
		m.next++
	}
	return found, nil
}

// Done reports whether every marker was found.
func (m *Matcher) Done() bool { return m.next == len(m.Expect) }

// Pending is the next marker not yet found.
func (m *Matcher) Pending() string {
	if m.Done() {
		return ""
	}
	return m.Expect[m.next]
}
