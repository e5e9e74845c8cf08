package pcrsig

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const (
	hex32  = "0000000000000000000000000000000000000000000000000000000000000000"
	goodFP = "9adbb811dd622e91334fdef1c96c1c5941fa3fb2f929678f270db5730e7c2d77"
)

// entryJSONText is one valid entry with field f replaced by v (raw JSON),
// or removed when v is "-".
func entryJSONText(f, v string) string {
	fields := []struct{ k, v string }{{"pcrs", "[11]"}, {"pkfp", `"` + goodFP + `"`}, {"pol", `"` + hex32 + `"`}, {"sig", `"AAEC"`}}
	var parts []string
	for _, x := range fields {
		if x.k == f {
			if v == "-" {
				continue
			}
			x.v = v
		}
		parts = append(parts, `"`+x.k+`":`+x.v)
	}
	return "{" + strings.Join(parts, ",") + "}"
}

func TestParseGood(t *testing.T) {
	got, err := Parse(readTestdata(t, "sign-252.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || len(got[SHA256]) != 3 {
		t.Fatalf("Parse(sign-252.json) = %d banks, %d sha256 entries; want 1, 3", len(got), len(got[SHA256]))
	}
	// Several banks, white space, any key order.
	in := " {\n \"sha1\": [" + entryJSONText("", "") + "],\n\"sha256\":[" + entryJSONText("", "") + "," + entryJSONText("pcrs", "[7, 11]") + "]\n}\n"
	got, err = Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := Signatures{
		SHA1:   {{PCRs: []int{11}, Fingerprint: unhex(t, goodFP), Policy: make([]byte, 32), Signature: []byte{0, 1, 2}}},
		SHA256: {{PCRs: []int{11}, Fingerprint: unhex(t, goodFP), Policy: make([]byte, 32), Signature: []byte{0, 1, 2}}, {PCRs: []int{7, 11}, Fingerprint: unhex(t, goodFP), Policy: make([]byte, 32), Signature: []byte{0, 1, 2}}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Parse() (-want +got):\n%s", diff)
	}
	// Marshal writes it back compact and sorted; it reads back the same.
	b, err := got.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(b), `{"sha1":[{"pcrs":[11],`) {
		t.Errorf("Marshal() = %s", b)
	}
	again, err := Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, again); diff != "" {
		t.Errorf("Parse(Marshal()) (-want +got):\n%s", diff)
	}
	// encoding/json goes through Parse.
	var viaJSON Signatures
	if err := json.Unmarshal([]byte(in), &viaJSON); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(got, viaJSON); diff != "" {
		t.Errorf("json.Unmarshal (-want +got):\n%s", diff)
	}
}

func TestParseErrors(t *testing.T) {
	bank := func(entries ...string) string { return `{"sha256":[` + strings.Join(entries, ",") + `]}` }
	many := make([]string, MaxEntries+1)
	for i := range many {
		many[i] = entryJSONText("", "")
	}
	for _, tc := range []struct {
		name, in, want string
	}{
		{"empty", "", `want '{': EOF`},
		{"array", "[]", "want '{'"},
		{"no banks", "{}", "no banks"},
		{"unknown bank", `{"md5":[]}`, `unknown PCR bank "md5"`},
		{"upper-case bank", `{"SHA256":[]}`, `unknown PCR bank "SHA256"`},
		{"duplicate bank", `{"sha256":[` + entryJSONText("", "") + `],"sha256":[` + entryJSONText("", "") + `]}`, `duplicate key "sha256"`},
		{"bank not array", `{"sha256":{}}`, "bank sha256: got {, want '['"},
		{"empty bank", `{"sha256":[]}`, "bank sha256: no entries"},
		{"too many entries", bank(many...), "more than 64 entries"},
		{"trailing data", bank(entryJSONText("", "")) + "{}", "data after the JSON object"},
		{"trailing junk", bank(entryJSONText("", "")) + "x", "data after the JSON object"},
		{"unknown field", bank(`{"pcrs":[11],"extra":1}`), `entry 0: unknown field "extra"`},
		{"duplicate field", bank(`{"pcrs":[11],"pcrs":[11]}`), `duplicate key "pcrs"`},
		{"missing pcrs", bank(entryJSONText("pcrs", "-")), "missing field pcrs"},
		{"missing pkfp", bank(entryJSONText("pkfp", "-")), "missing field pkfp"},
		{"missing pol", bank(entryJSONText("pol", "-")), "missing field pol"},
		{"missing sig", bank(entryJSONText("sig", "-")), "missing field sig"},
		{"empty pcrs", bank(entryJSONText("pcrs", "[]")), "pcrs: empty"},
		{"null pcrs", bank(entryJSONText("pcrs", "null")), "pcrs: empty"},
		{"pcrs not array", bank(entryJSONText("pcrs", "11")), "pcrs: json: cannot unmarshal"},
		{"PCR 24", bank(entryJSONText("pcrs", "[24]")), "pcrs: 24 is not a PCR index 0..23"},
		{"negative PCR", bank(entryJSONText("pcrs", "[-1]")), "pcrs: -1 is not a PCR index"},
		{"fractional PCR", bank(entryJSONText("pcrs", "[11.0]")), "pcrs: 11.0 is not a PCR index"},
		{"exponent PCR", bank(entryJSONText("pcrs", "[1e1]")), "pcrs: 1e1 is not a PCR index"},
		{"minus zero", bank(entryJSONText("pcrs", "[-0]")), "pcrs: -0 is not a PCR index"},
		{"unsorted pcrs", bank(entryJSONText("pcrs", "[11,7]")), "pcrs: [11 7] is not strictly ascending"},
		{"repeated pcr", bank(entryJSONText("pcrs", "[11,11]")), "not strictly ascending"},
		{"too many pcrs", bank(entryJSONText("pcrs", "[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,23]")), "25 PCRs, more than 24"},
		{"upper-case pkfp", bank(entryJSONText("pkfp", `"`+strings.ToUpper(goodFP)+`"`)), "pkfp: \"9ADBB"},
		{"short pkfp", bank(entryJSONText("pkfp", `"abcd"`)), `pkfp: "abcd" is not 32 bytes of lower-case hex`},
		{"pkfp not string", bank(entryJSONText("pkfp", `5`)), "pkfp: json: cannot unmarshal number"},
		{"odd pol", bank(entryJSONText("pol", `"`+hex32[1:]+`"`)), "pol: "},
		{"pol not hex", bank(entryJSONText("pol", `"`+strings.Repeat("zz", 32)+`"`)), "is not 32 bytes of lower-case hex"},
		{"sig unpadded", bank(entryJSONText("sig", `"AAE"`)), "sig: not padded standard base64"},
		{"sig url base64", bank(entryJSONText("sig", `"-_-_"`)), "sig: not padded standard base64"},
		{"sig empty", bank(entryJSONText("sig", `""`)), "sig: 0 bytes, want 1 to 1024"},
		{"sig huge", bank(entryJSONText("sig", `"`+strings.Repeat("A", 1400)+`"`)), "sig: 1400 characters"},
		{"too big", strings.Repeat(" ", MaxSize+1), "more than 262144"},
		{"key not string", `{1:[]}`, "invalid character"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.in))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Parse(%.60q) = %v, want an error containing %q", tc.in, err, tc.want)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "pcrsig: ") {
				t.Errorf("Parse() error %q does not start with \"pcrsig: \"", err)
			}
		})
	}
}

func TestMarshalValidates(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   Signatures
		want string
	}{
		{"nil", nil, "no banks"},
		{"unknown bank", Signatures{"md5": {{}}}, `unknown PCR bank "md5"`},
		{"short policy", Signatures{SHA256: {{PCRs: []int{11}, Fingerprint: make([]byte, 32), Policy: make([]byte, 31), Signature: []byte{1}}}}, "sha256[0]: pol: 31 bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.in.Marshal()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Marshal() = %v, want an error containing %q", err, tc.want)
			}
		})
	}
	var s Signatures
	if err := json.Unmarshal([]byte(`{"sha256":[]}`), &s); err == nil || !bytes.Contains([]byte(err.Error()), []byte("no entries")) {
		t.Errorf("json.Unmarshal(empty bank) = %v, want Parse's error", err)
	}
}
