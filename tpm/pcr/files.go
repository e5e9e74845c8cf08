package pcr

import (
	"fmt"
	"os"
	"strings"

	"manx/firmware/varstore"
	"manx/tpm/eventlog"
)

// maxInputSize bounds the files the prediction reads (a UKI is ~25 MB).
const maxInputSize = 1 << 30

func readFile(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.Size() > maxInputSize {
		return nil, fmt.Errorf("%s: %d bytes, more than the %d this reads", path, fi.Size(), maxInputSize)
	}
	return os.ReadFile(path)
}

// ReadInputs reads the booted UKI and var store (raw .fd, or uefi-vars JSON
// when the name ends in .json) and, when the store turns Secure Boot on,
// finds the db entry that verifies the UKI. Phases are left to the caller.
func ReadInputs(ukiPath, varsPath string, banks ...eventlog.Alg) (Inputs, error) {
	in := Inputs{Banks: banks}
	b, err := readFile(ukiPath)
	if err != nil {
		return in, err
	}
	if in.UKI, err = ReadUKI(b, banks...); err != nil {
		return in, fmt.Errorf("%s: %w", ukiPath, err)
	}
	v, err := readFile(varsPath)
	if err != nil {
		return in, err
	}
	if strings.HasSuffix(varsPath, ".json") {
		in.Vars, err = varstore.ParseJSON(v)
	} else {
		in.Vars, err = varstore.ParseRaw(v)
	}
	if err != nil {
		return in, fmt.Errorf("%s: %w", varsPath, err)
	}
	if in.secureBoot() {
		db, _ := in.Vars.Lookup(varstore.NameDB, varstore.ImageSecurityDatabaseGUID)
		var data []byte
		if db != nil {
			data = db.Data
		}
		if in.Authority, err = FindAuthority(b, data); err != nil {
			return in, fmt.Errorf("%s with the db of %s (Secure Boot is on): %w", ukiPath, varsPath, err)
		}
	}
	return in, nil
}
