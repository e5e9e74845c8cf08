package run

import (
	"strings"
	"testing"
)

func TestParseTSCkHz(t *testing.T) {
	tests := []struct {
		name, in string
		want     int
	}{
		{"constant tsc", "processor\t: 0\nmodel name\t: AMD EPYC\ncpu MHz\t\t: 2096.004\nflags\t\t: fpu tsc constant_tsc nonstop_tsc\n", 2096004},
		{"first cpu wins", "processor\t: 0\ncpu MHz\t: 3000.000\nflags\t: constant_tsc\n\nprocessor\t: 1\ncpu MHz\t: 1200.000\nflags\t: constant_tsc\n", 3000000},
		{"no constant tsc", "processor\t: 0\ncpu MHz\t: 2096.004\nflags\t: fpu tsc\n", 0},
		{"no MHz", "processor\t: 0\nflags\t: constant_tsc\n", 0},
		{"garbage MHz", "processor\t: 0\ncpu MHz\t: fast\nflags\t: constant_tsc\n", 0},
		{"empty", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := parseTSCkHz(strings.NewReader(tt.in)); got != tt.want {
				t.Errorf("parseTSCkHz() = %d, want %d", got, tt.want)
			}
		})
	}
}

func FuzzParseTSCkHz(f *testing.F) {
	f.Add("processor\t: 0\ncpu MHz\t: 2096.004\nflags\t: constant_tsc\n")
	f.Add("cpu MHz: 1e308\nflags: constant_tsc")
	f.Fuzz(func(t *testing.T, in string) {
		if got := parseTSCkHz(strings.NewReader(in)); got < 0 || got > 100000000 {
			t.Errorf("parseTSCkHz(%q) = %d, out of range", in, got)
		}
	})
}
