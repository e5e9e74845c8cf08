package buildenv

import (
	"testing"
	"time"
)

func TestParseEpoch(t *testing.T) {
	tests := []struct {
		in      string
		want    time.Time
		wantErr bool
	}{
		{in: "0", want: time.Unix(0, 0).UTC()},
		{in: "1700000000", want: time.Unix(1700000000, 0).UTC()},
		{in: "-1", wantErr: true},
		{in: "yesterday", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, tt := range tests {
		got, err := ParseEpoch(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseEpoch(%q) error = %v, wantErr %v", tt.in, err, tt.wantErr)
			continue
		}
		if !tt.wantErr && !got.Equal(tt.want) {
			t.Errorf("ParseEpoch(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestSourceDateEpochEnvWins(t *testing.T) {
	t.Setenv("SOURCE_DATE_EPOCH", "1234")
	got, err := SourceDateEpoch(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if got.Unix() != 1234 {
		t.Errorf("SourceDateEpoch() = %d, want 1234", got.Unix())
	}
}

func TestOspkgPort(t *testing.T) {
	tests := []struct {
		in      string
		want    int
		wantErr bool
	}{
		{in: "", want: DefaultOspkgPort},
		{in: "19000", want: 19000},
		{in: "http", wantErr: true},
		{in: "0", wantErr: true},
		{in: "65536", wantErr: true},
	}
	for _, tt := range tests {
		got, err := ospkgPort(tt.in)
		if (err != nil) != tt.wantErr || (!tt.wantErr && got != tt.want) {
			t.Errorf("ospkgPort(%q) = %d, %v; want %d (error %v)", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestStampsRoundTrip(t *testing.T) {
	in := map[string]Stamp{
		"kernel":    {Epoch: time.Unix(1796152569, 0).UTC(), Version: "ga1a69035e253"},
		"initramfs": {Epoch: time.Unix(1796000000, 0).UTC(), Version: "g0123456789ab"},
	}
	s := FormatStamps(in)
	if want := "initramfs=1796000000/g0123456789ab,kernel=1796152569/ga1a69035e253"; s != want {
		t.Errorf("FormatStamps() = %q, want %q", s, want)
	}
	out, err := ParseStamps(s)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 2 || out["kernel"] != in["kernel"] || out["initramfs"] != in["initramfs"] {
		t.Errorf("ParseStamps(FormatStamps(x)) = %v, want %v", out, in)
	}
	for _, bad := range []string{"kernel", "kernel=x/g1", "kernel=1/", "=1/g1", "kernel=1/g1,kernel=2/g2", "kernel=-1/g1"} {
		if _, err := ParseStamps(bad); err == nil {
			t.Errorf("ParseStamps(%q) = nil error", bad)
		}
	}
}
