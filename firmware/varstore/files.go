package varstore

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"manx/internal/atomicfile"
)

// Form is a serialisation of a store.
type Form int

const (
	// Raw is the OVMF pflash image (.fd, 4 MiB layout).
	Raw Form = iota + 1
	// JSON is the QEMU uefi-vars file (.json).
	JSON
)

// FileName returns OVMF_VARS_{BLANK,MS,CUSTOM}.{fd,json}.
func FileName(k Kind, f Form) string {
	ext := ".fd"
	if f == JSON {
		ext = ".json"
	}
	return "OVMF_VARS_" + strings.ToUpper(k.String()) + ext
}

// Write writes s in form f.
func (s *Store) Write(w io.Writer, f Form) error {
	switch f {
	case Raw:
		return s.WriteRaw(w)
	case JSON:
		return s.WriteJSON(w)
	}
	return fmt.Errorf("unknown varstore form %d", int(f))
}

// WriteFile writes s in form f to path atomically: into a temporary file in
// the same directory, fsynced, renamed over path, directory fsynced. On
// error path is untouched and the temporary file removed. The file is 0644.
func (s *Store) WriteFile(path string, f Form) error {
	return atomicfile.WriteFunc(path, 0o644, func(w io.Writer) error { return s.Write(w, f) })
}

// WriteAll builds every Kind from certs and t and writes both forms of each
// into dir, returning the paths written (in Kinds order, .fd before .json).
// All stores are built before the first file is written.
func WriteAll(dir string, certs Certs, t time.Time) ([]string, error) {
	stores := make([]*Store, len(Kinds))
	for i, k := range Kinds {
		s, err := New(k, certs, t)
		if err != nil {
			return nil, err
		}
		stores[i] = s
	}
	var paths []string
	for i, k := range Kinds {
		for _, f := range []Form{Raw, JSON} {
			p := filepath.Join(dir, FileName(k, f))
			if err := stores[i].WriteFile(p, f); err != nil {
				return paths, err
			}
			paths = append(paths, p)
		}
	}
	return paths, nil
}
