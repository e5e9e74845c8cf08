package bootcount

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want Name
	}{
		{"manx_1+3.efi", Name{Base: "manx_1", Suffix: ".efi", Counting: true, Left: 3}},
		{"manx_1+2-1.efi", Name{Base: "manx_1", Suffix: ".efi", Counting: true, Left: 2, Done: 1}},
		{"manx_1+0-3.efi", Name{Base: "manx_1", Suffix: ".efi", Counting: true, Left: 0, Done: 3}},
		{"manx_1.efi", Name{Base: "manx_1", Suffix: ".efi"}},
		{"a+b+1.conf", Name{Base: "a+b", Suffix: ".conf", Counting: true, Left: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := Parse(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Parse (-want +got):\n%s", diff)
			}
			if got.String() != tc.in {
				t.Errorf("String() = %q, want %q", got.String(), tc.in)
			}
		})
	}
}

func TestParseRefuses(t *testing.T) {
	for _, in := range []string{"manx.txt", "+3.efi", ".efi", "manx+x.efi", "manx+3-.efi", "manx+-1.efi", "manx+99999999999.efi", "manx+ 3.efi"} {
		if n, err := Parse(in); err == nil {
			t.Errorf("Parse(%q) = %+v, want an error", in, n)
		}
	}
}

func TestBless(t *testing.T) {
	n, err := Parse("manx_7+1-2.efi")
	if err != nil {
		t.Fatal(err)
	}
	if got := n.Blessed().String(); got != "manx_7.efi" {
		t.Errorf("Blessed = %q", got)
	}
	if n.Exhausted() {
		t.Error("1 try left: Exhausted")
	}
	if got := New("manx_2", 3).String(); got != "manx_2+3.efi" {
		t.Errorf("New = %q", got)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"manx_1+3.efi", "manx_1+2-1.efi", "x.conf", "+.efi"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := Parse(s)
		if err != nil {
			return
		}
		again, err := Parse(n.String())
		if err != nil {
			t.Fatalf("Parse(%q) ok, but its String %q does not parse: %v", s, n.String(), err)
		}
		if again != n {
			t.Fatalf("round trip %q: %+v != %+v", s, again, n)
		}
	})
}
