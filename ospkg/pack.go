package ospkg

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"time"
)

// Pack writes c as a reproducible OS package zip to w. Every entry's mtime is
// t (SOURCE_DATE_EPOCH; never the wall clock), entries are sorted and stored
// uncompressed, so equal inputs give equal bytes on any host and Go version.
func Pack(w io.Writer, c Contents, t time.Time) error {
	if err := c.validate(); err != nil {
		return fmt.Errorf("ospkg: packing: %w", err)
	}
	if t.IsZero() {
		return fmt.Errorf("ospkg: packing: no time (SOURCE_DATE_EPOCH)")
	}
	t = t.UTC().Truncate(time.Second)

	files := map[string][]byte{
		pathKernel:  c.Kernel,
		pathCmdline: []byte(c.Cmdline),
	}
	m := manifest{
		Version:     manifestVersion,
		Label:       c.Label,
		Kernel:      pathKernel,
		Cmdline:     c.Cmdline,
		CmdlineFile: pathCmdline,
		SHA256:      map[string]string{},
	}
	if len(c.Initramfs) > 0 {
		files[pathInitramfs] = c.Initramfs
		m.Initramfs = pathInitramfs
	}
	for name, b := range files {
		sum := sha256.Sum256(b)
		m.SHA256[name] = hex.EncodeToString(sum[:])
	}
	mb, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("ospkg: packing manifest: %w", err)
	}
	files[pathManifest] = append(mb, '\n')

	names := []string{dirBoot}
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)

	zw := zip.NewWriter(w)
	for _, name := range names {
		// Headers are built field by field, never from FileInfoHeader,
		// so no host metadata (mtime, mode, owner) leaks in.
		h := &zip.FileHeader{Name: name, Method: zip.Store, Modified: t}
		if name == dirBoot {
			h.SetMode(fs.ModeDir | 0o755)
		} else {
			h.SetMode(0o644)
		}
		fw, err := zw.CreateHeader(h)
		if err != nil {
			return fmt.Errorf("ospkg: packing %s: %w", name, err)
		}
		if _, err := fw.Write(files[name]); err != nil {
			return fmt.Errorf("ospkg: packing %s: %w", name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("ospkg: packing: %w", err)
	}
	return nil
}
