package recipe

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"manx/internal/pins"
	"manx/internal/toolchain"
)

type fakeToolchain struct{}

func (fakeToolchain) Name() string                              { return "fake" }
func (fakeToolchain) ID() string                                { return "fake-1" }
func (fakeToolchain) Prepare(context.Context) error             { return nil }
func (fakeToolchain) Run(context.Context, toolchain.Step) error { return nil }

func testEnv(t *testing.T, epoch int64) Env {
	t.Helper()
	pl, err := pins.Load(filepath.Join("..", "..", pins.File))
	if err != nil {
		t.Fatal(err)
	}
	return Env{Pins: pl, Toolchain: fakeToolchain{}, Epoch: time.Unix(epoch, 0).UTC()}
}

// TestKeyEpoch: a new commit time rebuilds an ordinary stage, not an
// EpochFree one; any other input still does.
func TestKeyEpoch(t *testing.T) {
	key := func(s Stage, epoch int64) string {
		t.Helper()
		k, err := s.Key(testEnv(t, epoch))
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	kernel := Stage{Name: "kernel", Pin: "linux", Steps: []Step{{Name: "build", Script: "make"}}}
	if key(kernel, 1795477884) == key(kernel, 1795477885) {
		t.Error("kernel stage: same key for two commit times")
	}
	fw := Stage{Name: "ovmf", Pin: "edk2", EpochFree: true, Steps: []Step{{Name: "build", Script: "build"}}}
	if key(fw, 1795477884) != key(fw, 1795477885) {
		t.Error("EpochFree stage: the commit time changed its key")
	}
	other := fw
	other.Env = map[string]string{"MANX_DEFINES": "-D SMM_REQUIRE"}
	if key(fw, 1) == key(other, 1) {
		t.Error("EpochFree stage: an env change did not change its key")
	}
	if got := fw.epoch(testEnv(t, 1795477884)).Unix(); got != FixedEpoch {
		t.Errorf("EpochFree stage runs with SOURCE_DATE_EPOCH %d, want %d", got, FixedEpoch)
	}
}
