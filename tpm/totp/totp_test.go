package totp

import (
	"net/url"
	"testing"
	"time"
)

// seed is the SHA-1 seed of RFC 6238 appendix B.
var seed = []byte("12345678901234567890")

// TestRFC6238 checks the SHA-1 rows of RFC 6238 appendix B (8 digits),
// and that Code is their last 6 digits.
func TestRFC6238(t *testing.T) {
	for _, tc := range []struct {
		unix int64
		want string
	}{
		{59, "94287082"},
		{1111111109, "07081804"},
		{1111111111, "14050471"},
		{1234567890, "89005924"},
		{2000000000, "69279037"},
		{20000000000, "65353130"},
	} {
		at := time.Unix(tc.unix, 0)
		if got := CodeDigits(seed, at, 8); got != tc.want {
			t.Errorf("CodeDigits(seed, %d, 8) = %s, want %s", tc.unix, got, tc.want)
		}
		if got, want := Code(seed, at), tc.want[2:]; got != want {
			t.Errorf("Code(seed, %d) = %s, want %s", tc.unix, got, want)
		}
	}
}

// TestRFC4226 checks RFC 4226 appendix D's 6-digit HOTP values through
// the counter (time = counter × 30 s).
func TestRFC4226(t *testing.T) {
	want := []string{"755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"}
	for counter, w := range want {
		if got := Code(seed, time.Unix(int64(counter)*30, 0)); got != w {
			t.Errorf("Code(counter %d) = %s, want %s", counter, got, w)
		}
	}
}

func TestCodeStep(t *testing.T) {
	start := time.Unix(1_700_000_010, 0) // 30 × 56666667: a step boundary
	if start.Unix()%30 != 0 {
		t.Fatal("start is not a step boundary")
	}
	if Code(seed, start) != Code(seed, start.Add(29*time.Second)) {
		t.Errorf("Code changed within one 30 s step")
	}
	if Code(seed, start) == Code(seed, start.Add(30*time.Second)) {
		t.Errorf("Code did not change at the next step (possible, but not for this seed)")
	}
	if got := Code(seed, time.Unix(-100, 0)); got != Code(seed, time.Unix(0, 0)) {
		t.Errorf("Code(before the epoch) = %s, want counter 0's", got)
	}
	if got := CodeDigits(seed, time.Unix(59, 0), 0); len(got) != 1 {
		t.Errorf("CodeDigits(0 digits) = %q, want 1 digit", got)
	}
}

// TestCodePadding: codes keep their leading zeros (RFC 6238 row 1111111109
// is 07081804; with 6 digits counter 37037036 gives 081804).
func TestCodePadding(t *testing.T) {
	if got := Code(seed, time.Unix(1111111109, 0)); got != "081804" {
		t.Errorf("Code = %s, want 081804", got)
	}
	if got := CodeDigits(seed, time.Unix(1111111109, 0), 8); got != "07081804" {
		t.Errorf("CodeDigits(8) = %s, want 07081804", got)
	}
}

func TestURI(t *testing.T) {
	for _, tc := range []struct {
		issuer, account, want string
	}{
		{"Manx", "vm", "otpauth://totp/Manx:vm?issuer=Manx&secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"},
		{"", "vm", "otpauth://totp/vm?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"},
		{"Manx Boot", "a b/c", "otpauth://totp/Manx%20Boot:a%20b%2Fc?issuer=Manx+Boot&secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"},
	} {
		got := URI(seed, tc.issuer, tc.account)
		if got != tc.want {
			t.Errorf("URI(%q, %q) = %s, want %s", tc.issuer, tc.account, got, tc.want)
		}
		if _, err := url.Parse(got); err != nil {
			t.Errorf("URI(%q, %q) does not parse: %v", tc.issuer, tc.account, err)
		}
	}
	// No padding: a 10-byte seed is 16 characters, a 5-byte one 8, 1 byte 2.
	for n, want := range map[int]string{1: "GE", 5: "GEZDGNBV", 10: "GEZDGNBVGY3TQOJQ"} {
		if got := Secret(seed[:n]); got != want {
			t.Errorf("Secret(%d bytes) = %s, want %s", n, got, want)
		}
	}
}
