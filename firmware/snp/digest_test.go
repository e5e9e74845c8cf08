package snp

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestExtend checks single PAGE_INFO updates from the sev-snp-measure trace of vector
// 57 (see TestTraceVector57): updates 1036 (SECRETS) and 1037 (CPUID), starting from
// the LD after 1035.
func TestExtend(t *testing.T) {
	c := chain{ld: mustDigest(t, "c0f1d25230f7591f8601c0466f9b21adddc7ac78bff392e56145485542f4d8fb53fd3e1a31ac5d329286efec7aa82cef")}
	c.emptyPages(PageSecrets, 0x80d000, pageSize)
	if got, want := c.ld.String(), "c8904ca5466fb1d6edaa0a66ce58fb77195dba1086853ba3e59dfe566644ce6a17fca2c1efc2f1f21e3a7a29bc436434"; got != want {
		t.Errorf("extend(SECRETS, 0x80d000) = %s, want %s", got, want)
	}
	c.emptyPages(PageCPUID, 0x80e000, pageSize)
	if got, want := c.ld.String(), "af6b338251f48b6a59d1cd2ee92eb475ed5df4378a55022c46e03fadebb4847853769d33b0db68942827a213cfdb7abf"; got != want {
		t.Errorf("extend(CPUID, 0x80e000) = %s, want %s", got, want)
	}
	var n int
	c = chain{trace: func(update) { n++ }}
	c.emptyPages(PageZero, 0x800000, 3*pageSize)
	c.measuredPages(PageNormal, 0x1000, make([]byte, 2*pageSize))
	if n != 5 {
		t.Errorf("pages extended = %d, want 5", n)
	}
}

func TestParseDigest(t *testing.T) {
	const s = "60981ed72f7f7300f2952909867a5a5f7f8fb4088999dcbdd80d165206ee478c45e41f9f6c723799808d117a2e70b949"
	d, err := ParseDigest(s)
	if err != nil || d.String() != s {
		t.Errorf("ParseDigest(%s) = %s, %v, want itself, nil", s, d, err)
	}
	for _, bad := range []string{"", s[:94], s + "00", strings.Replace(s, "6", "g", 1)} {
		if _, err := ParseDigest(bad); err == nil {
			t.Errorf("ParseDigest(%q) error = nil, want an error", bad)
		}
	}
	b, err := json.Marshal(struct{ M Digest }{d})
	if err != nil || string(b) != `{"M":"`+s+`"}` {
		t.Errorf("json.Marshal(Digest) = %s, %v, want the hex string", b, err)
	}
	var back struct{ M Digest }
	if err := json.Unmarshal(b, &back); err != nil || back.M != d {
		t.Errorf("json.Unmarshal(%s) = %s, %v, want %s", b, back.M, err, d)
	}
	if err := json.Unmarshal([]byte(`{"M":"00"}`), &back); err == nil {
		t.Errorf("json.Unmarshal(short digest) error = nil, want an error")
	}
}

func TestVMMType(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    VMMType
		wantErr bool
	}{
		{"QEMU", VMMQEMU, false}, {"qemu", VMMQEMU, false}, {"ec2", VMMEC2, false}, {"EC2", VMMEC2, false},
		{"gce", 0, true}, {"", 0, true},
	} {
		got, err := ParseVMMType(tc.in)
		if got != tc.want || (err != nil) != tc.wantErr {
			t.Errorf("ParseVMMType(%q) = %v, %v, want %v, error %v", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
	for v, want := range map[VMMType]string{VMMQEMU: "QEMU", VMMEC2: "ec2", 7: "VMMType(7)"} {
		if got := v.String(); got != want {
			t.Errorf("VMMType(%d).String() = %q, want %q", int(v), got, want)
		}
	}
}
