package pcrsig

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
)

// Limits Parse enforces.
const (
	MaxSize    = 256 << 10 // bytes of JSON
	MaxEntries = 64        // entries per bank
)

const (
	fingerprintSize = 32 // SHA-256
	policySize      = 32 // SHA-256, whatever the bank
)

var lowerHex = regexp.MustCompile(`^(?:[0-9a-f]{2})*$`)

// Parse reads a .pcrsig strictly: a JSON object of known banks (no
// duplicates), each a non-empty array of entries with exactly the fields
// pcrs, pkfp, pol and sig (no duplicates, no others), pcrs strictly
// ascending in 0..MaxPCR, pkfp and pol 32 bytes of lower-case hex, sig
// padded standard base64 of at most MaxKeyBits/8 bytes; nothing but white
// space after the object.
func Parse(b []byte) (Signatures, error) {
	if len(b) > MaxSize {
		return nil, fmt.Errorf("pcrsig: %d bytes, more than %d", len(b), MaxSize)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	sigs := Signatures{}
	err := object(dec, func(name string) error {
		if _, err := lookupBank(name); err != nil {
			return err
		}
		entries, err := parseBank(dec)
		if err != nil {
			return fmt.Errorf("bank %s: %w", name, err)
		}
		sigs[name] = entries
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("pcrsig: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("pcrsig: data after the JSON object")
	}
	if err := sigs.Validate(); err != nil {
		return nil, err
	}
	return sigs, nil
}

// object reads a JSON object from dec, calling field for each key (which
// must read the value); a repeated key is an error.
func object(dec *json.Decoder, field func(key string) error) error {
	if err := delim(dec, '{'); err != nil {
		return err
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, ok := tok.(string)
		if !ok {
			return fmt.Errorf("object key %v is not a string", tok)
		}
		if seen[key] {
			return fmt.Errorf("duplicate key %q", key)
		}
		seen[key] = true
		if err := field(key); err != nil {
			return err
		}
	}
	return delim(dec, '}')
}

// delim reads the delimiter d.
func delim(dec *json.Decoder, d json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("want '%c': %w", d, err)
	}
	if tok != d {
		return fmt.Errorf("got %v, want '%c'", tok, d)
	}
	return nil
}

// parseBank reads one bank's array of entries.
func parseBank(dec *json.Decoder) ([]Entry, error) {
	if err := delim(dec, '['); err != nil {
		return nil, err
	}
	var entries []Entry
	for dec.More() {
		if len(entries) == MaxEntries {
			return nil, fmt.Errorf("more than %d entries", MaxEntries)
		}
		e, err := parseEntry(dec)
		if err != nil {
			return nil, fmt.Errorf("entry %d: %w", len(entries), err)
		}
		entries = append(entries, e)
	}
	if err := delim(dec, ']'); err != nil {
		return nil, err
	}
	if len(entries) == 0 {
		return nil, errors.New("no entries")
	}
	return entries, nil
}

// parseEntry reads one entry object.
func parseEntry(dec *json.Decoder) (Entry, error) {
	var e Entry
	err := object(dec, func(key string) error {
		var s string
		switch key {
		case "pcrs":
			var nums []json.Number
			if err := dec.Decode(&nums); err != nil {
				return fmt.Errorf("pcrs: %w", err)
			}
			if len(nums) > MaxPCR+1 {
				return fmt.Errorf("pcrs: %d PCRs, more than %d", len(nums), MaxPCR+1)
			}
			e.PCRs = []int{}
			for _, n := range nums {
				i, err := n.Int64()
				if err != nil || i < 0 || i > MaxPCR || n.String() != fmt.Sprint(i) {
					return fmt.Errorf("pcrs: %s is not a PCR index 0..%d", n, MaxPCR)
				}
				e.PCRs = append(e.PCRs, int(i))
			}
			return nil
		case "pkfp", "pol":
			if err := dec.Decode(&s); err != nil {
				return fmt.Errorf("%s: %w", key, err)
			}
			size := fingerprintSize
			if key == "pol" {
				size = policySize
			}
			if len(s) != 2*size || !lowerHex.MatchString(s) {
				return fmt.Errorf("%s: %q is not %d bytes of lower-case hex", key, clip(s), size)
			}
			v, _ := hex.DecodeString(s)
			if key == "pkfp" {
				e.Fingerprint = v
			} else {
				e.Policy = v
			}
			return nil
		case "sig":
			if err := dec.Decode(&s); err != nil {
				return fmt.Errorf("sig: %w", err)
			}
			if len(s) > base64.StdEncoding.EncodedLen(MaxKeyBits/8) {
				return fmt.Errorf("sig: %d characters, more than an RSA-%d signature", len(s), MaxKeyBits)
			}
			v, err := base64.StdEncoding.Strict().DecodeString(s)
			if err != nil {
				return fmt.Errorf("sig: not padded standard base64: %w", err)
			}
			e.Signature = v
			return nil
		}
		return fmt.Errorf("unknown field %q", clip(key))
	})
	if err != nil {
		return Entry{}, err
	}
	for _, f := range []struct {
		name string
		set  bool
	}{{"pcrs", e.PCRs != nil}, {"pkfp", e.Fingerprint != nil}, {"pol", e.Policy != nil}, {"sig", e.Signature != nil}} {
		if !f.set {
			return Entry{}, fmt.Errorf("missing field %s", f.name)
		}
	}
	return e, e.validate()
}

// clip shortens s for an error message.
func clip(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
