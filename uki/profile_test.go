package uki

import "testing"

func TestOSRelease(t *testing.T) {
	got := OSRelease("g0123456789ab")
	want := "NAME=\"Manx\"\nID=manx\nVERSION_ID=g0123456789ab\nPRETTY_NAME=\"Manx g0123456789ab\"\n"
	if got != want {
		t.Errorf("OSRelease() = %q, want %q", got, want)
	}
}
