package nvversion

import (
	"context"
	"testing"

	"manx/tpm/swtpm"
)

// start runs a swtpm on state (manufactured on first use).
func start(t *testing.T, state string) *swtpm.Process {
	t.Helper()
	if err := swtpm.Setup(context.Background(), state); err != nil {
		t.Fatal(err)
	}
	p, err := swtpm.Start(context.Background(), state, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Stop() }) // Stop is idempotent: a test that fails early leaves no swtpm
	return p
}

// TestRollbackState against a real swtpm: empty at first, raised and
// never lowered, write-locked after each Record until the TPM restarts
// (the next boot), and kept across restarts.
func TestRollbackState(t *testing.T) {
	state := t.TempDir()
	p := start(t, state)
	s := Store{TPM: p.TPM()}
	if v, err := s.Highest(); err != nil || v != 0 {
		t.Fatalf("fresh TPM: Highest = %d, %v; want 0", v, err)
	}
	if err := s.Record(5); err != nil {
		t.Fatal(err)
	}
	if v, err := s.Highest(); err != nil || v != 5 {
		t.Fatalf("after Record(5): %d, %v", v, err)
	}
	// Locked: the kexec'd OS cannot write, not even a higher version.
	if err := s.Record(9); err == nil {
		t.Fatal("Record after the write lock succeeded: the booted OS could change the state")
	}
	if err := p.Stop(); err != nil {
		t.Fatal(err)
	}

	p = start(t, state) // the next boot: TPM2_Startup(CLEAR) unlocks
	s = Store{TPM: p.TPM()}
	if v, err := s.Highest(); err != nil || v != 5 {
		t.Fatalf("after a restart: %d, %v; want 5", v, err)
	}
	if err := s.Record(3); err != nil {
		t.Fatal(err)
	}
	if v, _ := s.Highest(); v != 5 {
		t.Errorf("Record(3) lowered the state to %d", v)
	}
}
