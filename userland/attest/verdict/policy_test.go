package verdict

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParse(t *testing.T) {
	chip := strings.Repeat("c1", 64)
	m := strings.Repeat("60", 48)
	one := 1
	for _, tc := range []struct {
		name, in string
		want     *Policy
		wantErr  string
	}{
		{"empty object", `{}`, &Policy{}, ""},
		{"full", `{"minimum_tcb": {"bootloader": 3, "tee": 0, "snp": 8, "microcode": 115}, "vmpl": 1, "allow_debug": true,
			"allow_migration_agent": true, "chip_ids": ["` + chip + `"], "measurements": ["` + m + `"]}`,
			&Policy{MinimumTCB: 0x7308000000000003, VMPL: &one, AllowDebug: true, AllowMigrationAgent: true,
				ChipIDs: []Hex{mustHex(chip)}, Measurements: []Hex{mustHex(m)}}, ""},
		{"tcb number", `{"minimum_tcb": 8286623314361712643}`, &Policy{MinimumTCB: 0x7300000000000003}, ""},
		{"tcb hex string", `{"minimum_tcb": "0x7308000000000003"}`, &Policy{MinimumTCB: 0x7308000000000003}, ""},
		{"unknown field", `{"allow_debg": false}`, nil, `unknown field "allow_debg"`},
		{"field name case", `{"Allow_Debug": true}`, nil, `unknown field "Allow_Debug"`},
		{"tcb part name case", `{"minimum_tcb": {"SNP": 1}}`, nil, `unknown field "SNP"`},
		{"empty lists", `{"chip_ids": [], "measurements": []}`, &Policy{}, ""},
		{"unknown tcb part", `{"minimum_tcb": {"fmc": 1}}`, nil, `unknown field "fmc"`},
		{"tcb part too large", `{"minimum_tcb": {"snp": 200}}`, nil, "SnpSpl TCB part is 200. Expect 0-127"},
		{"tcb part overflow", `{"minimum_tcb": {"microcode": 256}}`, nil, "cannot unmarshal number 256"},
		{"tcb junk", `{"minimum_tcb": true}`, nil, "minimum_tcb true: want an object, a 64-bit number or a string holding one"},
		{"tcb negative", `{"minimum_tcb": -1}`, nil, "want an object"},
		{"vmpl 4", `{"vmpl": 4}`, nil, "vmpl 4: want 0-3"},
		{"short chip id", `{"chip_ids": ["abcd"]}`, nil, "chip_ids[0]: 2 bytes, want 64"},
		{"not hex", `{"measurements": ["xyz"]}`, nil, `"xyz": want hex digits`},
		{"short measurement", `{"measurements": ["` + m + `", "00"]}`, nil, "measurements[1]: 1 bytes, want 48"},
		{"debug as string", `{"allow_debug": "false"}`, nil, "cannot unmarshal string"},
		{"trailing", `{} {}`, nil, "data after the JSON object"},
		{"array", `[]`, nil, "cannot unmarshal array"},
		{"empty", ``, nil, "EOF"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Parse([]byte(tc.in))
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Parse(%s) = %+v, %v, want error %q", tc.in, got, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%s) error = %v", tc.in, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Parse(%s) mismatch (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "policy.json")
	if err := os.WriteFile(bad, []byte(`{"vmpl": 0, "debug": true}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(bad); err == nil || err.Error() != "parsing SEV-SNP policy "+bad+`: json: unknown field "debug"` {
		t.Errorf("Load(bad) error = %v, want one naming the file and the field", err)
	}
	missing := filepath.Join(dir, "missing.json")
	if _, err := Load(missing); err == nil || err.Error() != "reading SEV-SNP policy: open "+missing+": no such file or directory" {
		t.Errorf("Load(missing) error = %v", err)
	}
}

func TestTCBString(t *testing.T) {
	for _, tc := range []struct {
		tcb  TCB
		want string
	}{
		{0x7308000000000003, "0x7308000000000003 (bootloader 3, tee 0, snp 8, microcode 115)"},
		{0x0000000001000000, "0x1000000 (bootloader 0, tee 0, snp 0, microcode 0, spl4-7 0 1 0 0)"},
	} {
		if got := tc.tcb.String(); got != tc.want {
			t.Errorf("TCB(%#x).String() = %q, want %q", uint64(tc.tcb), got, tc.want)
		}
	}
}

// FuzzParse: Parse returns a policy or an error, never panics, and a policy
// it accepts survives json.Marshal and Parse unchanged.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"minimum_tcb": {"bootloader": 3, "tee": 0, "snp": 8, "microcode": 115}, "vmpl": 0, "allow_debug": false, "allow_migration_agent": false, "chip_ids": ["` + strings.Repeat("c1", 64) + `"]}`))
	f.Add([]byte(`{"minimum_tcb": "0x7308000000000003", "measurements": ["` + strings.Repeat("60", 48) + `"]}`))
	f.Add([]byte(`{"minimum_tcb": 1}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := Parse(b)
		if err != nil {
			return
		}
		out, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("json.Marshal(Parse(%q)) error = %v", b, err)
		}
		back, err := Parse(out)
		if err != nil {
			t.Fatalf("Parse(%s) (from %q) error = %v", out, b, err)
		}
		if diff := cmp.Diff(p, back); diff != "" {
			t.Fatalf("Parse(%q) does not round-trip (-first +second):\n%s", b, diff)
		}
	})
}

func mustHex(s string) Hex {
	var h Hex
	if err := h.UnmarshalText([]byte(s)); err != nil {
		panic(err)
	}
	return h
}
