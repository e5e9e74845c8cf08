package pcr

import (
	"encoding/binary"
	"fmt"
	"io"

	"manx/firmware/varstore"
	"manx/tpm/eventlog"
)

// policyVariable is one variable Tcg2Dxe measures into PCR 7.
type policyVariable struct {
	name string
	guid varstore.GUID
	// ifPresent: measured only when the variable exists (dbt); the others
	// are measured with length 0 when absent.
	ifPresent bool
}

// policyVariables are the Secure Boot policy variables in measurement
// order (EDK II SecurityPkg/Tcg/Tcg2Dxe/Tcg2Dxe.c: mVariableType, then
// "Measure DBT if present and not empty" in MeasureAllSecureVariables). dbr
// is never measured; the SPDM device database only with
// PcdEnableSpdmDeviceAuthentication, which OVMF leaves off. Do not
// rearrange.
var policyVariables = []policyVariable{
	{"SecureBoot", varstore.GlobalVariableGUID, false},
	{varstore.NamePK, varstore.GlobalVariableGUID, false},
	{varstore.NameKEK, varstore.GlobalVariableGUID, false},
	{varstore.NameDB, varstore.ImageSecurityDatabaseGUID, false},
	{varstore.NameDBX, varstore.ImageSecurityDatabaseGUID, false},
	{"dbt", varstore.ImageSecurityDatabaseGUID, true},
}

// guidBytes returns g in on-disk (mixed-endian) order.
func guidBytes(g varstore.GUID) eventlog.GUID {
	var b eventlog.GUID
	binary.LittleEndian.PutUint32(b[0:], g.Data1)
	binary.LittleEndian.PutUint16(b[4:], g.Data2)
	binary.LittleEndian.PutUint16(b[6:], g.Data3)
	copy(b[8:], g.Data4[:])
	return b
}

// variableEvent is an EV_EFI_VARIABLE_DRIVER_CONFIG or _AUTHORITY event:
// its digest is the hash of the whole UEFI_VARIABLE_DATA (Tcg2Dxe
// MeasureVariable; DxeImageVerificationLib for the authority).
func variableEvent(banks []eventlog.Alg, typ eventlog.EventType, name string, guid varstore.GUID, data []byte) (Event, error) {
	v := eventlog.VariableData{GUID: guidBytes(guid), Name: name, Data: data}.Bytes()
	d, err := sum(banks, v)
	if err != nil {
		return Event{}, err
	}
	desc := eventlog.Event{Type: typ, Data: v}.Summary()
	return Event{PCR: 7, Type: typ, Description: desc, Digests: d}, nil
}

// Predict7 predicts PCR 7 (Secure Boot policy):
//
//  1. EV_EFI_VARIABLE_DRIVER_CONFIG for SecureBoot (one byte, 1 when OVMF
//     runs in user mode with SecureBootEnable on, else 0), PK, KEK, db,
//     dbx (length 0 when absent), and dbt when the store has it;
//  2. EV_SEPARATOR, measured right after them, before any image loads;
//  3. with Secure Boot on, EV_EFI_VARIABLE_AUTHORITY: variable "db", data
//     the EFI_SIGNATURE_DATA (owner GUID ‖ certificate) that verified the
//     UKI (EDK II DxeImageVerificationLib, once per distinct entry; the
//     kernel systemd-stub loads is not verified by the firmware).
//
// The captured boot (testdata/capture) logged exactly these, without dbt.
func Predict7(in Inputs) ([]Event, error) {
	if in.Vars == nil {
		return nil, fmt.Errorf("predicting PCR 7: %w: no variable store", ErrInputs)
	}
	banks := in.banks()
	var evs []Event
	for _, pv := range policyVariables {
		var data []byte
		if pv.name == "SecureBoot" {
			data = []byte{0}
			if in.secureBoot() {
				data[0] = 1
			}
		} else if v, ok := in.Vars.Lookup(pv.name, pv.guid); ok {
			data = v.Data
		} else if pv.ifPresent {
			continue
		}
		e, err := variableEvent(banks, eventlog.EvEFIVariableDriverConfig, pv.name, pv.guid, data)
		if err != nil {
			return nil, fmt.Errorf("predicting PCR 7: %s: %w", pv.name, err)
		}
		evs = append(evs, e)
	}
	sep, err := sum(banks, separator)
	if err != nil {
		return nil, fmt.Errorf("predicting PCR 7: %w", err)
	}
	evs = append(evs, Event{PCR: 7, Type: eventlog.EvSeparator, Description: "0x00000000", Digests: sep})
	if !in.secureBoot() {
		return evs, nil
	}
	if in.Authority == nil {
		return nil, fmt.Errorf("predicting PCR 7: %w: Secure Boot is on, but no db entry that verified the UKI was given (FindAuthority)", ErrInputs)
	}
	owner := guidBytes(in.Authority.Owner)
	sigData := append(owner[:], in.Authority.Data...)
	e, err := variableEvent(banks, eventlog.EvEFIVariableAuthority, varstore.NameDB, varstore.ImageSecurityDatabaseGUID, sigData)
	if err != nil {
		return nil, fmt.Errorf("predicting PCR 7: authority: %w", err)
	}
	return append(evs, e), nil
}

// Describe7 prints the events Predict7 expects, one per line.
func Describe7(w io.Writer, in Inputs) error { return describeWith(w, in, Predict7) }
