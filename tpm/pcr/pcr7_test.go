package pcr

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"testing"

	"manx/firmware/varstore"
	"manx/tpm/eventlog"
)

// varData builds UEFI_VARIABLE_DATA by hand, independently of eventlog.
func varData(guid []byte, name string, data []byte) []byte {
	b := append([]byte(nil), guid...)
	b = binary.LittleEndian.AppendUint64(b, uint64(len(name)))
	b = binary.LittleEndian.AppendUint64(b, uint64(len(data)))
	for _, c := range name {
		b = append(b, byte(c), 0)
	}
	return append(b, data...)
}

var (
	globalGUID = []byte{0x61, 0xdf, 0xe4, 0x8b, 0xca, 0x93, 0xd2, 0x11, 0xaa, 0x0d, 0x00, 0xe0, 0x98, 0x03, 0x2b, 0x8c}
	dbGUID     = []byte{0xcb, 0xb2, 0x19, 0xd7, 0x3a, 0x3d, 0x96, 0x45, 0xa3, 0xbc, 0xda, 0xd0, 0x0e, 0x67, 0x65, 0x6f}
)

func TestPredict7(t *testing.T) {
	store := customStore(t)
	v := func(name string) []byte {
		x, ok := store.Lookup(name, varstore.GlobalVariableGUID)
		if !ok {
			x, _ = store.Lookup(name, varstore.ImageSecurityDatabaseGUID)
		}
		return x.Data
	}
	db := cert(t, "db").Certificate()
	authority := &varstore.SignatureEntry{Owner: varstore.ManxOwnerGUID, Data: db.Raw}
	manxOwner := guidBytes(varstore.ManxOwnerGUID)
	withDBT := &varstore.Store{Variables: append([]varstore.Variable{{Name: "dbt", GUID: varstore.ImageSecurityDatabaseGUID, Attributes: 0x27, Data: []byte("ESL")}}, store.Variables...)}
	sep := h256([]byte{0, 0, 0, 0})
	tests := []struct {
		name string
		in   Inputs
		want [][]byte
	}{
		{"blank store: setup mode, every variable empty", Inputs{Vars: &varstore.Store{}}, [][]byte{
			h256(varData(globalGUID, "SecureBoot", []byte{0})),
			h256(varData(globalGUID, "PK", nil)),
			h256(varData(globalGUID, "KEK", nil)),
			h256(varData(dbGUID, "db", nil)),
			h256(varData(dbGUID, "dbx", nil)),
			sep,
		}},
		{"custom store: Secure Boot on, db authority", Inputs{Vars: store, Authority: authority}, [][]byte{
			h256(varData(globalGUID, "SecureBoot", []byte{1})),
			h256(varData(globalGUID, "PK", v("PK"))),
			h256(varData(globalGUID, "KEK", v("KEK"))),
			h256(varData(dbGUID, "db", v("db"))),
			h256(varData(dbGUID, "dbx", v("dbx"))),
			sep,
			h256(varData(dbGUID, "db", append(manxOwner[:], db.Raw...))),
		}},
		{"dbt is measured when present", Inputs{Vars: withDBT, Authority: authority}, [][]byte{
			h256(varData(globalGUID, "SecureBoot", []byte{1})),
			h256(varData(globalGUID, "PK", v("PK"))),
			h256(varData(globalGUID, "KEK", v("KEK"))),
			h256(varData(dbGUID, "db", v("db"))),
			h256(varData(dbGUID, "dbx", v("dbx"))),
			h256(varData(dbGUID, "dbt", []byte("ESL"))),
			sep,
			h256(varData(dbGUID, "db", append(manxOwner[:], db.Raw...))),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, err := Predict7(tt.in)
			if err != nil {
				t.Fatalf("Predict7() = %v", err)
			}
			if len(evs) != len(tt.want) {
				t.Fatalf("Predict7() = %d events, want %d", len(evs), len(tt.want))
			}
			for i, e := range evs {
				if e.PCR != 7 || !bytes.Equal(e.Digests[eventlog.SHA256], tt.want[i]) {
					t.Errorf("event %d = %s, want sha256=%x", i, e.Line(eventlog.SHA256), tt.want[i])
				}
			}
			if last := evs[len(evs)-1]; tt.in.Authority != nil && last.Type != eventlog.EvEFIVariableAuthority {
				t.Errorf("last event type %s, want EV_EFI_VARIABLE_AUTHORITY", last.Type)
			}
		})
	}
	// Known answer: docs/uki-and-measured-boot.md §2.2 records PCR 7 of
	// OVMF without enrolled keys, read from the TPM: 65caf8dd…3068.
	evs, _ := Predict7(Inputs{Vars: &varstore.Store{}})
	values, _ := Replay(evs, sha256Only)
	if got := hex.EncodeToString(values[7][eventlog.SHA256]); got != "65caf8dd1e0ea7a6347b635d2b379c93b9a1351edc2afc3ecda700e534eb3068" {
		t.Errorf("PCR 7 of a blank store = %s, want 65caf8dd…3068", got)
	}
	if _, err := Predict7(Inputs{Vars: store}); !errors.Is(err, ErrInputs) {
		t.Errorf("Predict7(Secure Boot on, no authority) = %v, want ErrInputs", err)
	}
	if _, err := Predict7(Inputs{}); !errors.Is(err, ErrInputs) {
		t.Errorf("Predict7(no store) = %v, want ErrInputs", err)
	}
}
