package run

import (
	"strings"
	"testing"
)

func TestMatcherInOrder(t *testing.T) {
	m := &Matcher{Expect: []string{"A-ready", "B-done"}, Refuse: []string{"panic"}}
	steps := []struct {
		log      string
		wantNew  int
		wantDone bool
		wantErr  string
	}{
		{log: "booting\n", wantNew: 0},
		{log: "booting\nB-done early\n", wantNew: 0}, // B before A does not count
		{log: "booting\nB-done early\nA-rea", wantNew: 0},
		{log: "booting\nB-done early\nA-ready\n", wantNew: 1},
		{log: "booting\nB-done early\nA-ready\nB-done\n", wantNew: 1, wantDone: true},
		{log: "booting\nB-done early\nA-ready\nB-done\nkernel panic\n", wantErr: `refused output "panic"`},
	}
	for i, s := range steps {
		got, err := m.Feed(s.log)
		if s.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), s.wantErr) {
				t.Fatalf("step %d: Feed() error = %v, want %q", i, err, s.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("step %d: Feed() error = %v", i, err)
		}
		if len(got) != s.wantNew || m.Done() != s.wantDone {
			t.Fatalf("step %d: Feed() = %v (done %v), want %d new (done %v)", i, got, m.Done(), s.wantNew, s.wantDone)
		}
	}
}

func TestMatcherPartialMarkerIsNotAMatch(t *testing.T) {
	m := &Matcher{Expect: []string{"manx: userland ready"}}
	if got, _ := m.Feed("manx: userland rea"); len(got) != 0 || m.Done() {
		t.Errorf("Feed(partial) = %v, want no match", got)
	}
	if m.Pending() != "manx: userland ready" {
		t.Errorf("Pending() = %q", m.Pending())
	}
}
