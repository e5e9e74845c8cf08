package main

import "testing"

func TestStbootWanted(t *testing.T) {
	for _, tc := range []struct {
		params      map[string]string
		want        bool
		wantProblem bool
	}{
		{map[string]string{}, false, false},
		{map[string]string{"manx.stboot": "0"}, false, false},
		{map[string]string{"manx.stboot": "1"}, true, false},
		{map[string]string{"manx.stboot": ""}, false, true},
		{map[string]string{"manx.stboot": "yes"}, false, true},
	} {
		got, problem := stbootWanted(tc.params)
		if got != tc.want || (problem != "") != tc.wantProblem {
			t.Errorf("stbootWanted(%v) = %v, %q, want %v, problem %v", tc.params, got, problem, tc.want, tc.wantProblem)
		}
	}
}
