package stboot

import "sync"

// VersionStore is stboot's rollback state: the highest OS package
// pkg_version this machine has booted. Run refuses a package whose signed
// pkg_version is below Highest ("stboot: FAIL rollback: version 3 < 5
// already booted") and calls Record with the booted version right before
// the kexec.
//
// The state only protects if nothing but stboot can lower it. A UEFI
// variable the booted OS can write is not authenticated, and an
// authenticated (time-based) variable would need its update key in the
// stboot initramfs, which is public. cmd/stboot uses a TPM NV index
// (manx/tpm/nvversion) that Record write-locks until the next TPM reset,
// so the kexec'd OS cannot write it; without a TPM it passes no store and
// any validly signed, unexpired version boots.
type VersionStore interface {
	// Highest returns the highest version recorded, 0 if none.
	Highest() (uint64, error)
	// Record raises the highest version to v (a lower v leaves it).
	Record(v uint64) error
}

// MemVersionStore is a VersionStore in memory, for tests: it forgets
// everything when the process ends, so it protects nothing on a machine.
type MemVersionStore struct {
	mu      sync.Mutex
	highest uint64
	// Err, when set, is returned by Highest and Record.
	Err error
}

// NewMemVersionStore returns a store whose highest version is highest.
func NewMemVersionStore(highest uint64) *MemVersionStore {
	return &MemVersionStore{highest: highest}
}

// Highest implements VersionStore.
func (m *MemVersionStore) Highest() (uint64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Err != nil {
		return 0, m.Err
	}
	return m.highest, nil
}

// Record implements VersionStore.
func (m *MemVersionStore) Record(v uint64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.Err != nil {
		return m.Err
	}
	m.highest = max(m.highest, v)
	return nil
}

// reasonError prints reason and wraps err (for a failure line without
// err's "ospkg: " prefix).
type reasonError struct {
	reason string
	err    error
}

func (e reasonError) Error() string { return e.reason }
func (e reasonError) Unwrap() error { return e.err }
