package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
)

// MaxSize bounds the manifest file Read accepts.
const MaxSize = 1 << 20

// Read reads and validates the manifest file at path. Errors name the file
// and, where one is at fault, the entry.
func Read(path string) (*Manifest, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading manifest: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading manifest %s: %w", path, err)
	}
	m, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// Parse decodes and validates a manifest. It rejects unknown fields and
// duplicate keys in any JSON object (naming where they occur), trailing
// data, and everything Validate rejects.
func Parse(b []byte) (*Manifest, error) {
	if len(b) > MaxSize {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrInvalid, MaxSize)
	}
	if err := checkKeys(b); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var m Manifest
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%w: decoding: %v", ErrInvalid, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: trailing data after the manifest object", ErrInvalid)
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return &m, nil
}

// Fields allowed in each kind of object (encoding/json's own unknown-field
// error does not say which entry holds the field).
var (
	manifestFields = fieldSet(Manifest{})
	entryFields    = fieldSet(Entry{})
	inputFields    = fieldSet(Input{})
)

func fieldSet(v any) map[string]bool {
	set := map[string]bool{}
	t := reflect.TypeOf(v)
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		set[name] = true
	}
	return set
}

// checkKeys walks b's tokens and reports, with the place it occurs (e.g.
// artefacts[3].pins[0]), an object with an unknown key or the same key twice
// (encoding/json would silently keep the last one).
func checkKeys(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	// walk reads one value at where. If it is an object, fields (when not
	// nil) is the set of keys it may have; if an array, elems is the key set
	// of its elements.
	var walk func(where string, fields, elems map[string]bool, depth int) error
	walk = func(where string, fields, elems map[string]bool, depth int) error {
		if depth > 8 {
			return fmt.Errorf("%s: nested too deeply", where)
		}
		label := where
		if label == "" {
			label = "top level"
		}
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'):
			seen := map[string]bool{}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return err
				}
				k, _ := kt.(string) // object keys are always strings
				if seen[k] {
					return fmt.Errorf("%s: duplicate key %q", label, k)
				}
				seen[k] = true
				if fields != nil && !fields[k] {
					return fmt.Errorf("%s: unknown field %q", label, k)
				}
				var childElems map[string]bool
				if fields != nil {
					switch k {
					case "artefacts":
						childElems = entryFields
					case "pins", "keys":
						childElems = inputFields
					}
				}
				if err := walk(strings.TrimPrefix(where+"."+k, "."), nil, childElems, depth+1); err != nil {
					return err
				}
			}
			_, err = dec.Token() // '}'
			return err
		case json.Delim('['):
			for i := 0; dec.More(); i++ {
				if err := walk(fmt.Sprintf("%s[%d]", where, i), elems, nil, depth+1); err != nil {
					return err
				}
			}
			_, err = dec.Token() // ']'
			return err
		}
		return nil
	}
	err := walk("", manifestFields, nil, 0)
	if errors.Is(err, io.EOF) {
		return errors.New("unexpected end of JSON")
	}
	return err
}
