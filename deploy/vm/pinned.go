package vm

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"

	"manx/deploy/profile"
	"manx/internal/atomicfile"
	"manx/internal/deb"
	"manx/internal/fetch"
	"manx/internal/pins"
)

// pinnedEFIPath is where the EFI binary e of an ESPPin profile is
// extracted: under the cache, not the build directory, since no build
// stage makes it.
func (c Config) pinnedEFIPath(e profile.PinnedEFI) string {
	return filepath.Join(c.CacheDir, "pinned-efi", e.Pin, path.Base(e.Path))
}

// extractPinned puts the EFI binary of an ESPPin profile at pinnedEFIPath:
// it fetches the pinned package (verified against its sha256 in pins.json,
// from the Debian mirror in the host's apt sources) and extracts the
// binary afresh, so the file is always the current pin's. Other profiles
// need nothing.
func (c Config) extractPinned(ctx context.Context, p profile.Profile) error {
	if p.ESPPin == nil {
		return nil
	}
	e := *p.ESPPin
	pin, err := c.pin(e.Pin)
	if err != nil {
		return fmt.Errorf("profile %s: %w", p.ID, err)
	}
	file, err := fetch.New(c.CacheDir, c.Log).Get(ctx, pin)
	if err != nil {
		return fmt.Errorf("profile %s: %w", p.ID, err)
	}
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("profile %s: %w", p.ID, err)
	}
	defer f.Close()
	files, err := deb.Extract(f, e.Path)
	if err != nil {
		return fmt.Errorf("profile %s: %s: %w", p.ID, file, err)
	}
	dst := c.pinnedEFIPath(e)
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	if err := atomicfile.Write(dst, files[e.Path], 0o644); err != nil {
		return fmt.Errorf("profile %s: %w", p.ID, err)
	}
	c.Log.Info("Extracted the pinned EFI binary", "profile", p.ID, "pin", pin.Name, "version", pin.Version, "file", e.Path)
	return nil
}

// pin looks name up in the repository's pin list.
func (c Config) pin(name string) (pins.Pin, error) {
	l, err := pins.Load(filepath.Join(c.Root, pins.File))
	if err != nil {
		return pins.Pin{}, err
	}
	return l.Get(name)
}
