package varstore

import (
	"encoding/hex"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestAuthTime(t *testing.T) {
	tests := []struct {
		name    string
		in      time.Time
		want    EFITime
		wantErr bool
	}{
		{"epoch 0", time.Unix(0, 0), EFITime{Year: 1970, Month: 1, Day: 1}, false},
		{"before limit kept", time.Date(2009, 7, 8, 9, 10, 11, 999, time.UTC), EFITime{Year: 2009, Month: 7, Day: 8, Hour: 9, Minute: 10, Second: 11}, false},
		{"non-UTC zone converted", time.Date(2009, 7, 8, 9, 10, 11, 0, time.FixedZone("x", 3600)), EFITime{Year: 2009, Month: 7, Day: 8, Hour: 8, Minute: 10, Second: 11}, false},
		{"limit", AuthTimeLimit(), EFITime{Year: 2010, Month: 1, Day: 1}, false},
		{"later capped", time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC), EFITime{Year: 2010, Month: 1, Day: 1}, false},
		{"zero time", time.Time{}, EFITime{}, true},
		{"before 1900", time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC), EFITime{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := authTime(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("authTime(%v) error = %v, want error %v", tt.in, err, tt.wantErr)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("authTime(%v) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestEFITimeBytes(t *testing.T) {
	// docs/varstore.md §3.1: 2010-01-01 00:00:00 is "da070101000000000000000000000000".
	e, err := EFITimeFrom(AuthTimeLimit())
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, efiTimeLen)
	putEFITime(b, e)
	if got, want := hex.EncodeToString(b), "da070101000000000000000000000000"; got != want {
		t.Errorf("putEFITime(2010-01-01) = %s, want %s", got, want)
	}
	odd := EFITime{Year: 2025, Month: 3, Day: 10, Hour: 2, Minute: 53, Second: 39, Pad1: 7, Nanosecond: 123456789, TimeZone: -60, Daylight: 3, Pad2: 9}
	putEFITime(b, odd)
	if got := getEFITime(b); got != odd {
		t.Errorf("getEFITime(putEFITime(%+v)) = %+v", odd, got)
	}
}
