package pcr

import (
	"bytes"
	"testing"

	"manx/tpm/eventlog"
)

func TestLoadOptions(t *testing.T) {
	for _, tt := range []struct {
		in, want string // want: the UTF-16 text before the NUL
	}{
		{"console=ttyS0", "console=ttyS0"},
		{"", ""},
		{"a b  ", "a b"},        // trailing spaces cut
		{"a\nb\n", "a b"},       // control characters become spaces, then cut
		{"a\tb\x1f", "a b"},     // every character up to 0x1f
		{"x\x00y", "x"},         // stops at NUL
		{"é😀z", "éz"},           // outside the BMP: dropped
		{"q\u00a0 ", "q\u00a0"}, // only ASCII space is cut
	} {
		want := append(eventlog.EncodeUTF16(tt.want), 0, 0)
		if got := LoadOptions(tt.in); !bytes.Equal(got, want) {
			t.Errorf("LoadOptions(%q) = %x, want %x", tt.in, got, want)
		}
	}
}

func TestPredict9(t *testing.T) {
	spec := testSpec(t)
	u, err := ReadUKI(assemble(t, spec))
	if err != nil {
		t.Fatal(err)
	}
	evs, err := Predict9(Inputs{UKI: u})
	if err != nil {
		t.Fatalf("Predict9() = %v", err)
	}
	want := [][]byte{
		h256(append(eventlog.EncodeUTF16(spec.Cmdline), 0, 0)),
		h256(spec.Initrd),
	}
	if len(evs) != 2 {
		t.Fatalf("Predict9() = %d events, want 2", len(evs))
	}
	for i, e := range evs {
		if e.PCR != 9 || e.Type != eventlog.EvEventTag || !bytes.Equal(e.Digests[eventlog.SHA256], want[i]) {
			t.Errorf("event %d = %s, want EV_EVENT_TAG sha256=%x", i, e.Line(eventlog.SHA256), want[i])
		}
	}

	// No .cmdline: no load options event; no .initrd: no initrd event.
	bare := spec
	bare.Cmdline, bare.Initrd = "", nil
	u, err = ReadUKI(assemble(t, bare))
	if err != nil {
		t.Fatal(err)
	}
	if evs, err := Predict9(Inputs{UKI: u}); err != nil || len(evs) != 0 {
		t.Errorf("Predict9(no .cmdline, no .initrd) = %d events, %v; want none", len(evs), err)
	}

	// .pcrsig and .pcrpkey: the initrd grows by two cpio archives.
	withSig := makePE([]section{{name: ".linux", data: spec.Stub}, {name: ".initrd", data: []byte("12345")},
		{name: ".pcrsig", data: []byte(`{"sha256":[]}`)}, {name: ".pcrpkey", data: []byte("KEY")}}, nil)
	if u, err = ReadUKI(withSig); err != nil {
		t.Fatal(err)
	}
	evs, err = Predict9(Inputs{UKI: u})
	if err != nil || len(evs) != 1 {
		t.Fatalf("Predict9(pcrsig) = %d events, %v; want 1", len(evs), err)
	}
	combined := append([]byte("12345\x00\x00\x00"), stubCPIO(".extra", "tpm2-pcr-signature.json", []byte(`{"sha256":[]}`))...)
	combined = append(combined, stubCPIO(".extra", "tpm2-pcr-public-key.pem", []byte("KEY"))...)
	if !bytes.Equal(evs[0].Digests[eventlog.SHA256], h256(combined)) {
		t.Errorf("initrd with cpios = %x, want %x", evs[0].Digests[eventlog.SHA256], h256(combined))
	}
	// A summary without the initrd's digest in the bank asked for.
	u.Initrd.Digests = Digests{}
	if _, err := Predict9(Inputs{UKI: u}); err == nil {
		t.Errorf("Predict9(initrd digest missing) = nil error")
	}
}
