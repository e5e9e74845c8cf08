package pcrsigtest

import (
	"bytes"
	"testing"

	"manx/tpm/pcrsig"
)

// TestOtherKeySignsReproducibly: the fixture key loads and its .pcrsig is
// the same bytes every time (the fixture UKI's db signature depends on it).
func TestOtherKeySignsReproducibly(t *testing.T) {
	value := bytes.Repeat([]byte{0x11}, 32)
	var out [][]byte
	for range 2 {
		k, err := OtherKey()
		if err != nil {
			t.Fatal(err)
		}
		sig, err := pcrsig.Sign(k, "sha256", [][]byte{value})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, sig)
	}
	if !bytes.Equal(out[0], out[1]) {
		t.Fatal("two .pcrsig over the same value with the fixture key differ")
	}
}
