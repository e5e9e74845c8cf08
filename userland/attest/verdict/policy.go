package verdict

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/google/go-sev-guest/abi"
	"github.com/google/go-sev-guest/kds"
)

// Policy is what a relying party accepts, read from a JSON file:
//
//	{
//	  "minimum_tcb": {"bootloader": 3, "tee": 0, "snp": 8, "microcode": 115},
//	  "vmpl": 0,
//	  "allow_debug": false,
//	  "allow_migration_agent": false,
//	  "chip_ids": ["<128 hex digits>"],
//	  "measurements": ["<96 hex digits>"]
//	}
//
// Every field is optional; the zero policy (an empty object) accepts any TCB,
// VMPL 0 only, no debugging, no migration agent, any chip and leaves
// MEASUREMENT to the caller's table. minimum_tcb may also be one 64-bit
// number, decimal or a "0x…" string, in the TCB_VERSION layout of Milan and
// Genoa (bootloader bits 0–7, tee 8–15, snp 48–55, microcode 56–63). Unknown
// fields are refused.
type Policy struct {
	// MinimumTCB is the component-wise minimum of REPORTED_TCB.
	MinimumTCB TCB `json:"minimum_tcb"`
	// VMPL is the VMPL the report must come from (nil: 0).
	VMPL *int `json:"vmpl,omitempty"`
	// AllowDebug accepts guest policy bit 19 (the host may debug, i.e. decrypt, the guest).
	AllowDebug bool `json:"allow_debug"`
	// AllowMigrationAgent accepts guest policy bit 18 (a migration agent may be associated).
	AllowMigrationAgent bool `json:"allow_migration_agent"`
	// ChipIDs, if not empty, is the allow-list of CHIP_IDs (64 bytes each).
	ChipIDs []Hex `json:"chip_ids,omitempty"`
	// Measurements, if not empty, are accepted launch digests (48 bytes each),
	// in addition to the ones the caller passes.
	Measurements []Hex `json:"measurements,omitempty"`
}

// WantVMPL is the VMPL p requires.
func (p *Policy) WantVMPL() int {
	if p == nil || p.VMPL == nil {
		return 0
	}
	return *p.VMPL
}

// Parse parses a policy file's contents strictly: one JSON object, no unknown
// fields, no trailing data, lengths and ranges checked.
func Parse(data []byte) (*Policy, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var p Policy
	if err := dec.Decode(&p); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("data after the JSON object")
	}
	// encoding/json matches field names case-insensitively; the file's are exact.
	if err := exactKeys(data, "minimum_tcb", "vmpl", "allow_debug", "allow_migration_agent", "chip_ids", "measurements"); err != nil {
		return nil, err
	}
	if len(p.ChipIDs) == 0 {
		p.ChipIDs = nil
	}
	if len(p.Measurements) == 0 {
		p.Measurements = nil
	}
	if p.VMPL != nil && (*p.VMPL < 0 || *p.VMPL > 3) {
		return nil, fmt.Errorf("vmpl %d: want 0-3", *p.VMPL)
	}
	if _, err := kds.ComposeTCBParts(p.MinimumTCB.Parts()); err != nil {
		return nil, fmt.Errorf("minimum_tcb %#x: %w", uint64(p.MinimumTCB), err)
	}
	for i, c := range p.ChipIDs {
		if len(c) != abi.ChipIDSize {
			return nil, fmt.Errorf("chip_ids[%d]: %d bytes, want %d", i, len(c), abi.ChipIDSize)
		}
	}
	for i, m := range p.Measurements {
		if len(m) != abi.MeasurementSize {
			return nil, fmt.Errorf("measurements[%d]: %d bytes, want %d", i, len(m), abi.MeasurementSize)
		}
	}
	return &p, nil
}

// exactKeys refuses a JSON object with a key not spelled exactly as one of keys.
func exactKeys(data []byte, keys ...string) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		return err
	}
	for k := range m {
		if !slices.Contains(keys, k) {
			return fmt.Errorf("json: unknown field %q", k)
		}
	}
	return nil
}

// Load reads and parses the policy file at path; errors name the file.
func Load(path string) (*Policy, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading SEV-SNP policy: %w", err)
	}
	p, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("parsing SEV-SNP policy %s: %w", path, err)
	}
	return p, nil
}

// Hex is a byte string written as plain hex digits in JSON.
type Hex []byte

// MarshalText encodes h as lower-case hex.
func (h Hex) MarshalText() ([]byte, error) { return []byte(hex.EncodeToString(h)), nil }

// UnmarshalText decodes hex digits.
func (h *Hex) UnmarshalText(b []byte) error {
	d, err := hex.DecodeString(string(b))
	if err != nil {
		return fmt.Errorf("%q: want hex digits: %w", b, err)
	}
	*h = d
	return nil
}

// TCB is a TCB_VERSION in the Milan/Genoa layout.
type TCB uint64

// Parts splits t into its security patch levels.
func (t TCB) Parts() kds.TCBParts { return kds.DecomposeTCBVersion(kds.TCBVersion(t)) }

// String shows t as a number and its named parts.
func (t TCB) String() string {
	p := t.Parts()
	s := fmt.Sprintf("%#x (bootloader %d, tee %d, snp %d, microcode %d", uint64(t), p.BlSpl, p.TeeSpl, p.SnpSpl, p.UcodeSpl)
	if p.Spl4|p.Spl5|p.Spl6|p.Spl7 != 0 {
		s += fmt.Sprintf(", spl4-7 %d %d %d %d", p.Spl4, p.Spl5, p.Spl6, p.Spl7)
	}
	return s + ")"
}

// tcbParts is the object form of a TCB in the policy file.
type tcbParts struct {
	Bootloader uint8 `json:"bootloader"`
	TEE        uint8 `json:"tee"`
	SNP        uint8 `json:"snp"`
	Microcode  uint8 `json:"microcode"`
}

// MarshalJSON writes t in the object form when its reserved parts are zero, else as a hex string.
func (t TCB) MarshalJSON() ([]byte, error) {
	p := t.Parts()
	if p.Spl4|p.Spl5|p.Spl6|p.Spl7 != 0 {
		return json.Marshal(fmt.Sprintf("%#x", uint64(t)))
	}
	return json.Marshal(tcbParts{Bootloader: p.BlSpl, TEE: p.TeeSpl, SNP: p.SnpSpl, Microcode: p.UcodeSpl})
}

// UnmarshalJSON reads an object {"bootloader", "tee", "snp", "microcode"}, a
// number or a string holding a number (decimal or 0x hex).
func (t *TCB) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	switch {
	case strings.HasPrefix(s, "{"):
		dec := json.NewDecoder(strings.NewReader(s))
		dec.DisallowUnknownFields()
		var p tcbParts
		if err := dec.Decode(&p); err != nil {
			return fmt.Errorf("minimum_tcb: %w", err)
		}
		if err := exactKeys(b, "bootloader", "tee", "snp", "microcode"); err != nil {
			return fmt.Errorf("minimum_tcb: %w", err)
		}
		v, err := kds.ComposeTCBParts(kds.TCBParts{BlSpl: p.Bootloader, TeeSpl: p.TEE, SnpSpl: p.SNP, UcodeSpl: p.Microcode})
		if err != nil {
			return fmt.Errorf("minimum_tcb: %w", err)
		}
		*t = TCB(v)
		return nil
	case strings.HasPrefix(s, `"`):
		var str string
		if err := json.Unmarshal(b, &str); err != nil {
			return fmt.Errorf("minimum_tcb: %w", err)
		}
		s = str
	}
	v, err := strconv.ParseUint(s, 0, 64)
	if err != nil {
		return fmt.Errorf("minimum_tcb %s: want an object, a 64-bit number or a string holding one", b)
	}
	*t = TCB(v)
	return nil
}
