package varstore

import (
	"bytes"
	"encoding/json"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"manx/internal/testutil"
)

func jsonBytes(t testing.TB, s *Store) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := s.WriteJSON(&b); err != nil {
		t.Fatalf("WriteJSON() error = %v", err)
	}
	return b.Bytes()
}

func TestJSONGolden(t *testing.T) {
	c := fixedCerts(t)
	for _, k := range Kinds {
		t.Run(k.String(), func(t *testing.T) {
			testutil.Golden(t, filepath.Join("testdata", FileName(k, JSON)), jsonBytes(t, mustNew(t, k, c)))
		})
	}
}

func TestJSONRoundTrip(t *testing.T) {
	c := throwAway(t)
	for _, k := range Kinds {
		t.Run(k.String(), func(t *testing.T) {
			s := mustNew(t, k, c)
			b := jsonBytes(t, s)
			got, err := ParseJSON(b)
			if err != nil {
				t.Fatalf("ParseJSON() error = %v", err)
			}
			if diff := cmp.Diff(s, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("ParseJSON(WriteJSON(s)) mismatch (-want +got):\n%s", diff)
			}
			if again := jsonBytes(t, mustNew(t, k, c)); !bytes.Equal(b, again) {
				t.Errorf("two builds give different JSON")
			}
			// Raw and JSON carry the same model.
			fromRaw, err := ParseRaw(rawBytes(t, s, Layout4M))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(fromRaw, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("raw and JSON parse differently (-raw +json):\n%s", diff)
			}
		})
	}
}

// TestJSONSchema checks the output against QEMU's qapi/uefi.json by hand:
// top level exactly {version: 2, variables: [...]}, each variable exactly
// guid, name, attr, data and (for AT variables) time, as lower-case hex.
func TestJSONSchema(t *testing.T) {
	b := jsonBytes(t, mustNew(t, Microsoft, throwAway(t)))
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		t.Fatal(err)
	}
	if keys := slices.Sorted(mapKeys(top)); !slices.Equal(keys, []string{"variables", "version"}) {
		t.Errorf("top-level keys = %v, want [variables version]", keys)
	}
	if string(top["version"]) != "2" {
		t.Errorf("version = %s, want 2", top["version"])
	}
	var vars []map[string]any
	if err := json.Unmarshal(top["variables"], &vars); err != nil {
		t.Fatal(err)
	}
	if len(vars) != 6 {
		t.Fatalf("%d variables, want 6", len(vars))
	}
	isHex := func(s string) bool {
		return len(s)%2 == 0 && strings.Trim(s, "0123456789abcdef") == ""
	}
	for _, v := range vars {
		keys := slices.Sorted(mapKeys(v))
		attr, _ := v["attr"].(float64)
		want := []string{"attr", "data", "guid", "name"}
		if int(attr)&0x20 != 0 {
			want = []string{"attr", "data", "guid", "name", "time"}
		}
		if !slices.Equal(keys, want) {
			t.Errorf("%v: keys %v, want %v", v["name"], keys, want)
		}
		if g, _ := v["guid"].(string); len(g) != 36 || g != strings.ToLower(g) {
			t.Errorf("%v: guid %q, want lower-case canonical form", v["name"], g)
		}
		if d, _ := v["data"].(string); !isHex(d) || d == "" {
			t.Errorf("%v: data is not lower-case hex", v["name"])
		}
		if tm, ok := v["time"].(string); ok && (len(tm) != 32 || !isHex(tm)) {
			t.Errorf("%v: time %q, want 32 lower-case hex digits", v["name"], tm)
		}
	}
	if got := string(jsonBytes(t, &Store{})); got != "{\n    \"version\": 2,\n    \"variables\": []\n}\n" {
		t.Errorf("WriteJSON(empty) = %q", got)
	}
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func TestParseJSON(t *testing.T) {
	const g = `"guid":"8be4df61-93ca-11d2-aa0d-00e098032b8c"`
	tests := []struct {
		name string
		in   string
		want *Store
		err  string
	}{
		{"empty file", "", &Store{}, ""},
		{"empty store", `{"version":2,"variables":[]}`, &Store{}, ""},
		{"QEMU example", `{"version":2,"variables":[{` + g + `,"name":"PK","attr":39,"data":"A159","time":"da070101000000000000000000000000"}]}`,
			&Store{Variables: []Variable{{Name: "PK", GUID: GlobalVariableGUID, Attributes: 0x27, Data: []byte{0xa1, 0x59}, Time: EFITime{Year: 2010, Month: 1, Day: 1}}}}, ""},
		{"digest", `{"version":2,"variables":[{` + g + `,"name":"X","attr":39,"data":"","time":"da070101000000000000000000000000","digest":"0102"}]}`,
			&Store{Variables: []Variable{{Name: "X", GUID: GlobalVariableGUID, Attributes: 0x27, Time: EFITime{Year: 2010, Month: 1, Day: 1}, Digest: []byte{1, 2}}}}, ""},
		{"not JSON", `{`, nil, "uefi-vars JSON"},
		{"trailing data", `{"version":2,"variables":[]} {}`, nil, "data after"},
		{"unknown member", `{"version":2,"variables":[],"extra":1}`, nil, "unknown field"},
		{"unknown variable member", `{"version":2,"variables":[{` + g + `,"name":"x","attr":7,"data":"","size":1}]}`, nil, "unknown field"},
		{"missing version", `{"variables":[]}`, nil, "missing \"version\""},
		{"version 1", `{"version":1,"variables":[]}`, nil, "version 1, want 2"},
		{"missing variables", `{"version":2}`, nil, "missing \"variables\""},
		{"missing guid", `{"version":2,"variables":[{"name":"x","attr":7,"data":""}]}`, nil, "variable 0 (\"x\"): missing \"guid\""},
		{"missing name", `{"version":2,"variables":[{` + g + `,"attr":7,"data":""}]}`, nil, "missing \"name\""},
		{"missing attr", `{"version":2,"variables":[{` + g + `,"name":"x","data":""}]}`, nil, "missing \"attr\""},
		{"missing data", `{"version":2,"variables":[{` + g + `,"name":"x","attr":7}]}`, nil, "missing \"data\""},
		{"bad guid", `{"version":2,"variables":[{"guid":"nope","name":"x","attr":7,"data":""}]}`, nil, "GUID \"nope\""},
		{"empty name", `{"version":2,"variables":[{` + g + `,"name":"","attr":7,"data":""}]}`, nil, "non-empty ASCII"},
		{"non-ASCII name", `{"version":2,"variables":[{` + g + `,"name":"é","attr":7,"data":""}]}`, nil, "non-empty ASCII"},
		{"negative attr", `{"version":2,"variables":[{` + g + `,"name":"x","attr":-1,"data":""}]}`, nil, "attr -1"},
		{"huge attr", `{"version":2,"variables":[{` + g + `,"name":"x","attr":4294967296,"data":""}]}`, nil, "attr 4294967296"},
		{"float attr", `{"version":2,"variables":[{` + g + `,"name":"x","attr":7.5,"data":""}]}`, nil, "attr 7.5"},
		{"odd data", `{"version":2,"variables":[{` + g + `,"name":"x","attr":7,"data":"abc"}]}`, nil, "odd hex length"},
		{"non-hex data", `{"version":2,"variables":[{` + g + `,"name":"x","attr":7,"data":"zz"}]}`, nil, "data"},
		{"short time", `{"version":2,"variables":[{` + g + `,"name":"x","attr":39,"data":"","time":"da07"}]}`, nil, "want 32 hex digits"},
		{"attr as string", `{"version":2,"variables":[{` + g + `,"name":"x","attr":"7","data":""}]}`, nil, "uefi-vars JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseJSON([]byte(tt.in))
			if tt.err != "" {
				if err == nil || !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("ParseJSON(%s) error = %v, want ErrMalformed containing %q", tt.in, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseJSON(%s) error = %v", tt.in, err)
			}
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("ParseJSON(%s) mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestWriteJSONErrors(t *testing.T) {
	tests := []struct {
		name string
		v    Variable
		want string
	}{
		{"non-ASCII name", Variable{Name: "Grüße", GUID: ManxOwnerGUID, Attributes: 7}, "must be ASCII"},
		{"digest without AT", Variable{Name: "x", GUID: ManxOwnerGUID, Attributes: 7, Digest: []byte{1}}, "digest without"},
		{"volatile", Variable{Name: "x", GUID: ManxOwnerGUID, Attributes: 6}, "lack NV"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Store{Variables: []Variable{tt.v}}
			err := s.WriteJSON(new(bytes.Buffer))
			if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("WriteJSON() error = %v, want ErrInvalid containing %q", err, tt.want)
			}
		})
	}
}
