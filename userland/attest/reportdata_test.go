package attest

import (
	"crypto/sha512"
	"encoding/hex"
	"strings"
	"testing"
)

func TestReportData(t *testing.T) {
	got := ReportData([]byte("abc"))
	want := "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"
	if hex.EncodeToString(got[:]) != want {
		t.Errorf("ReportData(abc) = %x, want %s", got, want)
	}
}

func TestParseMeasurement(t *testing.T) {
	const m = "60981ed72f7f7300f2952909867a5a5f7f8fb4088999dcbdd80d165206ee478c45e41f9f6c723799808d117a2e70b949"
	for _, tc := range []struct {
		in, want, wantErr string
	}{
		{m, m, ""},
		{m + "\n", m, ""},
		{"  " + strings.ToUpper(m) + "\r\n", m, ""},
		{"", "", "0 hex digits, want 96"},
		{m[:94], "", "94 hex digits, want 96"},
		{m + "00", "", "98 hex digits, want 96"},
		{"zz" + m[2:], "", "invalid byte"},
		{m[:48] + " " + m[49:], "", "invalid byte"},
	} {
		got, err := ParseMeasurement([]byte(tc.in))
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("ParseMeasurement(%q) error = %v, want it to contain %q", tc.in, err, tc.wantErr)
			}
			continue
		}
		if err != nil || hex.EncodeToString(got) != tc.want {
			t.Errorf("ParseMeasurement(%q) = %x, %v, want %s, nil", tc.in, got, err, tc.want)
		}
	}
}

func FuzzParseMeasurement(f *testing.F) {
	f.Add([]byte("60981ed72f7f7300f2952909867a5a5f7f8fb4088999dcbdd80d165206ee478c45e41f9f6c723799808d117a2e70b949\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseMeasurement(b)
		if err != nil {
			return
		}
		if len(m) != sha512.Size384 {
			t.Fatalf("ParseMeasurement(%q) = %d bytes, want %d", b, len(m), sha512.Size384)
		}
		if got, want := hex.EncodeToString(m), strings.ToLower(strings.TrimSpace(string(b))); got != want {
			t.Fatalf("ParseMeasurement(%q) = %s, want %s", b, got, want)
		}
	})
}

// FuzzCheck feeds arbitrary bytes as a raw report: Check must return an error,
// never panic or accept.
func FuzzCheck(f *testing.F) {
	raw := rawReport(report{reportData: ReportData(nonce), measurement: goodMeasurement, policy: policyNoDebug})
	f.Add(raw[:])
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		if _, err := Check(b, Options{Nonce: nonce, Measurement: goodMeasurement, Now: testNow}); err == nil {
			t.Fatalf("Check(%x) accepted an unsigned report", b)
		}
	})
}
