package varstore

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// jsonVersion is the only uefi-vars JSON version (QEMU qapi/uefi.json).
const jsonVersion = 2

// jsonStore and jsonVariable mirror QEMU's UefiVarStore and UefiVariable
// (qapi/uefi.json, QEMU >= 10.0), fields in QAPI order. QEMU's input visitor
// rejects unknown members, so nothing else may be written.
type jsonStore struct {
	Version   int            `json:"version"`
	Variables []jsonVariable `json:"variables"`
}

type jsonVariable struct {
	GUID   string `json:"guid"`
	Name   string `json:"name"`
	Attr   uint32 `json:"attr"`
	Data   string `json:"data"`
	Time   string `json:"time,omitempty"`
	Digest string `json:"digest,omitempty"`
}

// WriteJSON writes s as a QEMU uefi-vars JSON file ({"version": 2,
// "variables": [...]}), variables sorted by name, hex in lower case, 4-space
// indentation and a final newline. As QEMU does, "time" is written for
// every variable with the AT attribute and "digest" only when set. Names
// must be ASCII: QEMU converts them byte by byte to UCS-2.
func (s *Store) WriteJSON(w io.Writer) error {
	if err := s.Validate(); err != nil {
		return err
	}
	out := jsonStore{Version: jsonVersion, Variables: []jsonVariable{}}
	for _, v := range s.sorted() {
		if !isASCII(v.Name) {
			return fmt.Errorf("%w: variable %q: uefi-vars JSON names must be ASCII", ErrInvalid, v.Name)
		}
		if !v.Attributes.TimeBased() && len(v.Digest) > 0 {
			return fmt.Errorf("%w: variable %q: digest without the AT attribute", ErrInvalid, v.Name)
		}
		jv := jsonVariable{
			GUID:   FormatGUID(v.GUID),
			Name:   v.Name,
			Attr:   uint32(v.Attributes),
			Data:   hex.EncodeToString(v.Data),
			Digest: hex.EncodeToString(v.Digest),
		}
		if v.Attributes.TimeBased() {
			var t [efiTimeLen]byte
			putEFITime(t[:], v.Time)
			jv.Time = hex.EncodeToString(t[:])
		}
		out.Variables = append(out.Variables, jv)
	}
	b, err := json.MarshalIndent(out, "", "    ")
	if err != nil {
		return fmt.Errorf("encoding uefi-vars JSON: %w", err)
	}
	if _, err := w.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("writing uefi-vars JSON: %w", err)
	}
	return nil
}

// ParseJSON parses a QEMU uefi-vars JSON file. An empty input is an empty
// store, as in QEMU. It is stricter than QEMU: unknown members, a version
// other than 2, missing members, odd-length or non-hex strings, a "time"
// that is not 32 hex digits, non-ASCII names and attributes outside uint32
// are errors naming the variable.
func ParseJSON(b []byte) (*Store, error) {
	if len(b) == 0 {
		return &Store{}, nil
	}
	var in struct {
		Version   json.RawMessage `json:"version"`
		Variables *[]struct {
			GUID   *string         `json:"guid"`
			Name   *string         `json:"name"`
			Attr   json.RawMessage `json:"attr"`
			Data   *string         `json:"data"`
			Time   *string         `json:"time"`
			Digest *string         `json:"digest"`
		} `json:"variables"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return nil, malformed("uefi-vars JSON: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, malformed("uefi-vars JSON: data after the top-level object")
	}
	if in.Version == nil {
		return nil, malformed("uefi-vars JSON: missing \"version\"")
	}
	if v, err := strconv.ParseInt(string(in.Version), 10, 64); err != nil || v != jsonVersion {
		return nil, malformed("uefi-vars JSON: version %s, want %d", in.Version, jsonVersion)
	}
	if in.Variables == nil {
		return nil, malformed("uefi-vars JSON: missing \"variables\"")
	}
	s := &Store{Variables: []Variable{}}
	for i, jv := range *in.Variables {
		where := fmt.Sprintf("uefi-vars JSON: variable %d", i)
		if jv.Name != nil {
			where += fmt.Sprintf(" (%q)", *jv.Name)
		}
		switch {
		case jv.GUID == nil:
			return nil, malformed("%s: missing \"guid\"", where)
		case jv.Name == nil:
			return nil, malformed("%s: missing \"name\"", where)
		case jv.Attr == nil:
			return nil, malformed("%s: missing \"attr\"", where)
		case jv.Data == nil:
			return nil, malformed("%s: missing \"data\"", where)
		}
		var v Variable
		var err error
		if v.GUID, err = ParseGUID(*jv.GUID); err != nil {
			return nil, malformed("%s: %v", where, err)
		}
		if *jv.Name == "" || !isASCII(*jv.Name) {
			return nil, malformed("%s: name must be non-empty ASCII", where)
		}
		v.Name = *jv.Name
		a, err := strconv.ParseUint(string(jv.Attr), 10, 32)
		if err != nil {
			return nil, malformed("%s: attr %s is not a 32-bit unsigned integer", where, jv.Attr)
		}
		v.Attributes = Attr(a)
		if v.Data, err = decodeHex(*jv.Data); err != nil {
			return nil, malformed("%s: data: %v", where, err)
		}
		if jv.Time != nil {
			t, err := decodeHex(*jv.Time)
			if err != nil || len(t) != efiTimeLen {
				return nil, malformed("%s: time %q: want %d hex digits", where, *jv.Time, 2*efiTimeLen)
			}
			v.Time = getEFITime(t)
		}
		if jv.Digest != nil {
			if v.Digest, err = decodeHex(*jv.Digest); err != nil {
				return nil, malformed("%s: digest: %v", where, err)
			}
		}
		s.Variables = append(s.Variables, v)
	}
	return s, nil
}

// decodeHex decodes hex in either case, rejecting odd lengths.
func decodeHex(s string) ([]byte, error) {
	if len(s)%2 != 0 {
		return nil, fmt.Errorf("odd hex length %d", len(s))
	}
	b, err := hex.DecodeString(s)
	if err != nil {
		return nil, err
	}
	return b, nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 || s[i] >= 0x80 {
			return false
		}
	}
	return true
}
