//go:build oracle

package pipeline

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/u-root/mkuimage/cpio"

	"manx/catalog"
	"manx/internal/testutil"
)

// TestBuiltStbootInitramfsMinimal: the stboot initramfs variants hold init,
// stboot and its configuration, and nothing to boot by hand after a
// refusal: no shell, no kexec tool, no u-root tools.
func TestBuiltStbootInitramfsMinimal(t *testing.T) {
	env := testutil.BuildEnv(t)
	for _, a := range []catalog.Artefact{catalog.StbootInitramfs, catalog.StbootInitramfsThreshold2} {
		f, err := os.Open(testutil.Built(t, a.In(env.BuildDir)))
		if err != nil {
			t.Fatal(err)
		}
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatalf("%s: %v", a.Path, err)
		}
		raw, err := io.ReadAll(zr)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", a.Path, err)
		}
		recs, err := cpio.ReadAllRecords(cpio.EOFReader{RecordReader: cpio.Newc.Reader(bytes.NewReader(raw))})
		if err != nil {
			t.Fatalf("%s: %v", a.Path, err)
		}
		var progs []string
		for _, r := range recs {
			if strings.HasPrefix(r.Name, "bin/") || strings.HasPrefix(r.Name, "bbin/") {
				progs = append(progs, r.Name)
			}
		}
		if got, want := strings.Join(progs, " "), "bin/init bin/stboot"; got != want {
			t.Errorf("%s: programs %q, want only %q (no shell, no kexec tool)", a.Path, got, want)
		}
	}
	t.Log("summary: both stboot initramfs variants hold bin/init and bin/stboot only")
}
