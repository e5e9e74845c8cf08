package pcrsig

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
)

// Signatures is a .pcrsig: entries by lower-case bank name.
type Signatures map[string][]Entry

// Entry is one signed PCR policy of a bank.
type Entry struct {
	PCRs        []int  // pcrs: the PCRs the policy covers, ascending
	Fingerprint []byte // pkfp: Fingerprint of the signing key
	Policy      []byte // pol: the PolicyPCR digest (SHA-256)
	Signature   []byte // sig: RSASSA-PKCS1-v1_5 over Policy with the bank's hash
}

// entryJSON is an Entry as .pcrsig spells it. The field order is
// systemd-measure's (alphabetical); do not rearrange.
type entryJSON struct {
	PCRs []int  `json:"pcrs"`
	PKFP string `json:"pkfp"`
	Pol  string `json:"pol"`
	Sig  string `json:"sig"`
}

// MarshalJSON writes e as systemd does: lower-case hex and padded base64.
func (e Entry) MarshalJSON() ([]byte, error) {
	pcrs := e.PCRs
	if pcrs == nil {
		pcrs = []int{}
	}
	return json.Marshal(entryJSON{
		PCRs: pcrs,
		PKFP: hex.EncodeToString(e.Fingerprint),
		Pol:  hex.EncodeToString(e.Policy),
		Sig:  base64.StdEncoding.EncodeToString(e.Signature),
	})
}

// Marshal returns the .pcrsig JSON of s: compact, banks in sorted order,
// entries in slice order, no trailing newline. It refuses what Parse
// would refuse, so the bytes always read back.
func (s Signatures) Marshal() ([]byte, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	return json.Marshal(map[string][]Entry(s)) // encoding/json sorts map keys
}

// UnmarshalJSON reads a .pcrsig with Parse's rules.
func (s *Signatures) UnmarshalJSON(b []byte) error {
	v, err := Parse(b)
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Validate checks what Parse checks of parsed values: known banks, at
// least one and at most MaxEntries entries per bank, and valid entries.
func (s Signatures) Validate() error {
	if len(s) == 0 {
		return fmt.Errorf("pcrsig: no banks")
	}
	for _, name := range slices.Sorted(maps.Keys(s)) {
		if _, err := lookupBank(name); err != nil {
			return fmt.Errorf("pcrsig: %w", err)
		}
		entries := s[name]
		if len(entries) == 0 {
			return fmt.Errorf("pcrsig: bank %s has no entries", name)
		}
		if len(entries) > MaxEntries {
			return fmt.Errorf("pcrsig: bank %s has %d entries, more than %d", name, len(entries), MaxEntries)
		}
		for i, e := range entries {
			if err := e.validate(); err != nil {
				return fmt.Errorf("pcrsig: %s[%d]: %w", name, i, err)
			}
		}
	}
	return nil
}

// validate checks one entry's fields.
func (e Entry) validate() error {
	if len(e.PCRs) == 0 {
		return fmt.Errorf("pcrs: empty")
	}
	for i, p := range e.PCRs {
		if p < 0 || p > MaxPCR {
			return fmt.Errorf("pcrs: PCR %d out of range 0..%d", p, MaxPCR)
		}
		if i > 0 && p <= e.PCRs[i-1] {
			return fmt.Errorf("pcrs: %v is not strictly ascending", e.PCRs)
		}
	}
	if len(e.Fingerprint) != fingerprintSize {
		return fmt.Errorf("pkfp: %d bytes, want %d (SHA-256)", len(e.Fingerprint), fingerprintSize)
	}
	if len(e.Policy) != policySize {
		return fmt.Errorf("pol: %d bytes, want %d (SHA-256)", len(e.Policy), policySize)
	}
	if len(e.Signature) == 0 || len(e.Signature) > MaxKeyBits/8 {
		return fmt.Errorf("sig: %d bytes, want 1 to %d", len(e.Signature), MaxKeyBits/8)
	}
	return nil
}
