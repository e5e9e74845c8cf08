package initramfs

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"manx/internal/testutil"
)

// TestBuildGolden builds a real initramfs (minutes: it compiles u-root's
// busybox) and compares its file list with testdata/files.golden.
func TestBuildGolden(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the initramfs")
	}
	out := filepath.Join(t.TempDir(), "initramfs.cpio.gz")
	start := time.Now()
	err := Build(context.Background(), Options{
		Out: out, Root: "../..", Version: "gtest", Epoch: time.Unix(1700000000, 0), Logger: testutil.Logger(t),
		Files: map[string]File{"etc/manx/test.json": {Data: []byte("{}\n"), Mode: 0o600}},
	})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Built %s: %d bytes in %v", out, len(b), time.Since(start).Round(time.Second))
	es := readArchive(t, b)
	got := listing(es)
	testutil.Golden(t, filepath.Join("testdata", "files.golden"), []byte(got))
	for _, e := range es {
		if e.info.MTime != 1700000000 || e.info.UID != 0 || e.info.GID != 0 {
			t.Errorf("%s: mtime %d uid %d gid %d, want 1700000000 0 0", e.info.Name, e.info.MTime, e.info.UID, e.info.GID)
		}
		if e.info.Name == "bin/init" && !strings.Contains(string(e.data), "gtest") {
			t.Errorf("bin/init does not contain the version string")
		}
	}
}

func TestBuildOptionErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    Options
	}{
		{"no output", Options{Version: "v"}},
		{"no version", Options{Out: "x"}},
	} {
		if err := Build(context.Background(), tc.o); err == nil {
			t.Errorf("%s: Build error = nil, want error", tc.name)
		}
	}
}
