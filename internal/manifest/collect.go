package manifest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"manx/internal/pins"
)

// Spec names one published artefact and the inputs it is built from.
type Spec struct {
	Name string   // logical name
	Path string   // relative to build/, slash-separated
	Pins []string // pin names in pins.json
	Keys []string // local certificates it embeds or is signed with (names in Sources.Keys)
}

// Sources resolves the input names Specs use.
type Sources struct {
	Pins *pins.List
	Keys map[string]string // certificate name → lowercase hex sha256 of its DER
	// SkipMissing leaves out artefacts whose file is not there (a partial
	// rebuild) instead of failing; Compare then reports them Missing.
	SkipMissing bool
}

// Collect hashes each spec's file under buildDir and records its pins and
// keys. Errors name the artefact; a file that is not there is an error.
// The entries come back in specs order (Marshal sorts them).
func Collect(buildDir string, specs []Spec, src Sources) ([]Entry, error) {
	out := make([]Entry, 0, len(specs))
	for _, s := range specs {
		e := Entry{Name: s.Name, Path: s.Path, Pins: []Input{}}
		for _, n := range s.Pins {
			if src.Pins == nil {
				return nil, fmt.Errorf("artefact %s: pin %s: no pin list", s.Name, n)
			}
			p, err := src.Pins.Get(n)
			if err != nil {
				return nil, fmt.Errorf("artefact %s: %w", s.Name, err)
			}
			e.Pins = append(e.Pins, Input{Name: p.Name, SHA256: p.SHA256})
		}
		for _, n := range s.Keys {
			h, ok := src.Keys[n]
			if !ok {
				return nil, fmt.Errorf("artefact %s: no sha256 for key %q", s.Name, n)
			}
			e.Keys = append(e.Keys, Input{Name: n, SHA256: h})
		}
		sum, size, err := hashFile(filepath.Join(buildDir, filepath.FromSlash(s.Path)))
		if src.SkipMissing && errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("artefact %s: %w", s.Name, err)
		}
		e.SHA256, e.Size = sum, size
		out = append(out, e)
	}
	return out, nil
}

func hashFile(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return "", 0, fmt.Errorf("hashing %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), n, nil
}
