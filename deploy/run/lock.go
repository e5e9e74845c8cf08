package run

import (
	"os"
	"path/filepath"

	"manx/internal/stage"
)

// lockQEMU serialises VMs across processes: on two cores, two TCG guests
// slow each other past their timeouts.
func lockQEMU() (func(), error) {
	dir := os.Getenv("XDG_RUNTIME_DIR")
	if dir == "" {
		dir = os.TempDir()
	}
	return stage.Lock(filepath.Join(dir, "manx-qemu.lock"))
}
