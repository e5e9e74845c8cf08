package app

import (
	"errors"
	"testing"
)

func TestOneLine(t *testing.T) {
	tests := []struct {
		err  error
		max  int
		want string
	}{
		{errors.New("sbverify --cert db.crt x.efi: exit status 1\nCan't open image x.efi\n"), 600,
			"sbverify --cert db.crt x.efi: exit status 1 Can't open image x.efi"},
		{errors.New("a  b\tc"), 600, "a b c"},
		{errors.New("abcdef"), 3, "abc..."},
	}
	for _, tt := range tests {
		if got := oneLine(tt.err, tt.max); got != tt.want {
			t.Errorf("oneLine(%q, %d) = %q, want %q", tt.err, tt.max, got, tt.want)
		}
	}
}
