package pcr

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"

	"manx/tpm/eventlog"
)

// MarshalJSON writes d as {"sha256": "<hex>", ...}.
func (d Digests) MarshalJSON() ([]byte, error) {
	m := map[string]string{}
	for a, v := range d {
		m[a.String()] = hex.EncodeToString(v)
	}
	return json.Marshal(m)
}

// UnmarshalJSON reads what MarshalJSON writes, checking digest sizes.
func (d *Digests) UnmarshalJSON(b []byte) error {
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*d = Digests{}
	for name, h := range m {
		a, err := eventlog.ParseAlg(name)
		if err != nil {
			return err
		}
		v, err := hex.DecodeString(h)
		if err != nil || len(v) != a.Size() {
			return fmt.Errorf("%s digest %q: want %d bytes of hex", a, h, a.Size())
		}
		(*d)[a] = v
	}
	return nil
}

// ReadUKISummary reads a UKI summary written as JSON (encoding/json of a
// UKI), for predictions from recorded digests when the UKI itself is not
// at hand.
func ReadUKISummary(path string) (*UKI, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var u UKI
	if err := json.Unmarshal(b, &u); err != nil {
		return nil, fmt.Errorf("UKI summary %s: %w", path, err)
	}
	return &u, nil
}
