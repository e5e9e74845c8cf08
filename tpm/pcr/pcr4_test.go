package pcr

import (
	"bytes"
	"errors"
	"testing"

	"manx/firmware/varstore"
	"manx/tpm/eventlog"
)

func TestPredict4(t *testing.T) {
	b := signedUKI(t)
	u, err := ReadUKI(b)
	if err != nil {
		t.Fatal(err)
	}
	action := h256([]byte("Calling EFI Application from Boot Option"))
	sep := h256([]byte{0, 0, 0, 0})
	ukiDigest, _ := Authenticode(b, eventlog.SHA256)
	kernelDigest, _ := Authenticode(testSpec(t).Linux, eventlog.SHA256)
	tests := []struct {
		name  string
		vars  *varstore.Store
		types []eventlog.EventType
		want  [][]byte
	}{
		{"Secure Boot off: the kernel is measured too", &varstore.Store{},
			[]eventlog.EventType{eventlog.EvEFIAction, eventlog.EvSeparator, eventlog.EvEFIBootServicesApplication, eventlog.EvEFIBootServicesApplication},
			[][]byte{action, sep, ukiDigest, kernelDigest}},
		{"Secure Boot on: the stub's override skips the kernel", customStore(t),
			[]eventlog.EventType{eventlog.EvEFIAction, eventlog.EvSeparator, eventlog.EvEFIBootServicesApplication},
			[][]byte{action, sep, ukiDigest}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, err := Predict4(Inputs{UKI: u, Vars: tt.vars})
			if err != nil {
				t.Fatalf("Predict4() = %v", err)
			}
			if len(evs) != len(tt.want) {
				t.Fatalf("Predict4() = %d events, want %d", len(evs), len(tt.want))
			}
			for i, e := range evs {
				if e.PCR != 4 || e.Type != tt.types[i] || !bytes.Equal(e.Digests[eventlog.SHA256], tt.want[i]) {
					t.Errorf("event %d = %s, want %s sha256=%x", i, e.Line(eventlog.SHA256), tt.types[i], tt.want[i])
				}
			}
		})
	}
	// The well-known digests of the first two events.
	if got := h256([]byte("Calling EFI Application from Boot Option")); !bytes.HasPrefix(got, []byte{0x3d, 0x67, 0x72, 0xb4}) {
		t.Errorf("H(action) = %x, want 3d6772b4…", got)
	}
	if _, err := Predict4(Inputs{}); !errors.Is(err, ErrInputs) {
		t.Errorf("Predict4(no UKI) = %v, want ErrInputs", err)
	}
	if _, err := Predict4(Inputs{UKI: u, Banks: []eventlog.Alg{eventlog.SHA384}}); !errors.Is(err, ErrInputs) {
		t.Errorf("Predict4(bank the UKI summary lacks) = %v, want ErrInputs", err)
	}
}
