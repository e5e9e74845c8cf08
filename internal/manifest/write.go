package manifest

import (
	"bytes"
	"encoding/json"
	"fmt"

	"manx/internal/atomicfile"
)

// Marshal returns the canonical bytes of m: normalised (see Normalize),
// validated, two-space indented, without HTML escaping, with a trailing
// newline. Equal manifests give equal bytes.
func Marshal(m Manifest) ([]byte, error) {
	n := Normalize(m)
	if err := n.Validate(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(n); err != nil { // Encode adds the trailing newline
		return nil, fmt.Errorf("encoding manifest: %w", err)
	}
	return buf.Bytes(), nil
}

// Write writes m's canonical bytes to path atomically: into a temporary
// file in the same directory, fsynced, renamed over path, then the directory
// fsynced. The directory must exist. On error path is untouched and the
// temporary file is removed. The file is 0644.
func Write(path string, m Manifest) error {
	b, err := Marshal(m)
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return atomicfile.Write(path, b, 0o644)
}
