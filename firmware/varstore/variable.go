package varstore

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf16"
)

// Variable is one UEFI variable, the same in the raw and the JSON form.
type Variable struct {
	Name       string  // without the terminating NUL
	GUID       GUID    // vendor GUID
	Attributes Attr    // EFI_VARIABLE_* bits
	Time       EFITime // EFI_TIME; zero unless Attributes has AT
	Data       []byte  // the value, e.g. concatenated EFI_SIGNATURE_LISTs
	// Digest is the uefi-vars signer digest of a non-Secure-Boot time-based
	// variable (JSON form only; the raw form has no field for it). Empty for
	// everything New builds.
	Digest []byte
}

// Store is an ordered list of variables.
type Store struct {
	Variables []Variable
}

// ErrInvalid marks a store that cannot be serialised (see Store.Validate).
var ErrInvalid = errors.New("invalid variable store")

// Lookup returns the variable with the given name and GUID.
func (s *Store) Lookup(name string, guid GUID) (*Variable, bool) {
	for i := range s.Variables {
		if s.Variables[i].Name == name && s.Variables[i].GUID == guid {
			return &s.Variables[i], true
		}
	}
	return nil, false
}

// Sort orders the variables by name (UTF-16 code units, as virt-firmware
// does), then by GUID text. Writers sort a copy; Sort is for callers that
// build stores by hand.
func (s *Store) Sort() {
	slices.SortStableFunc(s.Variables, compareVariables)
}

func compareVariables(a, b Variable) int {
	if c := slices.Compare(utf16.Encode([]rune(a.Name)), utf16.Encode([]rune(b.Name))); c != 0 {
		return c
	}
	return cmp.Compare(FormatGUID(a.GUID), FormatGUID(b.GUID))
}

// sorted returns the variables in write order without changing s.
func (s *Store) sorted() []Variable {
	vs := slices.Clone(s.Variables)
	slices.SortStableFunc(vs, compareVariables)
	return vs
}

// Validate reports every problem that keeps s from being written, joined:
// empty or NUL-containing names, volatile variables, duplicates, and an
// EFI_TIME on a variable without the AT attribute.
func (s *Store) Validate() error {
	var errs []error
	seen := map[string]int{}
	for i, v := range s.Variables {
		where := fmt.Sprintf("variable %d (%q %s)", i, v.Name, FormatGUID(v.GUID))
		switch {
		case v.Name == "":
			errs = append(errs, fmt.Errorf("%s: empty name", where))
		case strings.ContainsRune(v.Name, 0):
			errs = append(errs, fmt.Errorf("%s: NUL in name", where))
		case !validUTF16Name(v.Name):
			errs = append(errs, fmt.Errorf("%s: name is not valid Unicode", where))
		}
		if v.Attributes&AttrNonVolatile == 0 {
			errs = append(errs, fmt.Errorf("%s: attributes %s lack NV; a store holds only non-volatile variables", where, v.Attributes))
		}
		if !v.Attributes.TimeBased() && v.Time != (EFITime{}) {
			errs = append(errs, fmt.Errorf("%s: EFI_TIME set without the AT attribute", where))
		}
		key := v.Name + "\x00" + FormatGUID(v.GUID)
		if j, ok := seen[key]; ok {
			errs = append(errs, fmt.Errorf("%s: duplicate of variable %d", where, j))
		}
		seen[key] = i
	}
	if len(errs) > 0 {
		return fmt.Errorf("%w: %w", ErrInvalid, errors.Join(errs...))
	}
	return nil
}

// validUTF16Name reports whether name survives a UTF-16 round trip.
func validUTF16Name(name string) bool {
	return string(utf16.Decode(utf16.Encode([]rune(name)))) == name
}
