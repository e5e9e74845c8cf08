package varstore

import "testing"

func TestAttrString(t *testing.T) {
	tests := []struct {
		a    Attr
		want string
	}{
		{0, "0x00"},
		{AttrNVBS, "0x03 NV|BS"},
		{0x07, "0x07 NV|BS|RT"},
		{AttrSecureBootKeys, "0x27 NV|BS|RT|AT"},
		{0x67, "0x67 NV|BS|RT|AT|AP"},
		{0x100 | 0x01, "0x101 NV|0x100"},
	}
	for _, tt := range tests {
		if got := tt.a.String(); got != tt.want {
			t.Errorf("Attr(%#x).String() = %q, want %q", uint32(tt.a), got, tt.want)
		}
	}
}
