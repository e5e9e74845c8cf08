package varstore

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

const qemuPath = "/usr/bin/qemu-system-x86_64"

// qemu10 skips unless qemu-system-x86_64 >= 10 (the first with uefi-vars)
// is installed at /usr/bin.
func qemu10(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("skipping QEMU check in -short mode")
	}
	out, err := exec.Command(qemuPath, "--version").Output()
	if err != nil {
		t.Skipf("%s not usable (apt-get install qemu-system-x86 from bookworm-backports): %v", qemuPath, err)
	}
	m := regexp.MustCompile(`version (\d+)\.`).FindSubmatch(out)
	if m == nil {
		t.Skipf("cannot read the QEMU version from %q", out)
	}
	if major, _ := strconv.Atoi(string(m[1])); major < 10 {
		t.Skipf("QEMU %s.x has no uefi-vars device; need >= 10", m[1])
	}
}

func TestQEMUUefiVarsDevice(t *testing.T) {
	qemu10(t)
	out, err := exec.Command(qemuPath, "-device", "uefi-vars-x64,help").CombinedOutput()
	if err != nil {
		t.Fatalf("qemu -device uefi-vars-x64,help: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "jsonfile=<str>") {
		t.Errorf("uefi-vars-x64 options lack jsonfile:\n%s", out)
	}
}

// TestQEMULoadsJSON starts QEMU paused with each JSON store (no firmware
// runs), lets the device load it and write it back at machine reset, and
// checks that QEMU kept every variable unchanged. QEMU adds VendorKeysNv
// under the global GUID (docs/varstore.md §3.1) and, where missing,
// CustomMode=0; nothing else may change.
func TestQEMULoadsJSON(t *testing.T) {
	qemu10(t)
	c := throwAway(t)
	for _, k := range Kinds {
		t.Run(k.String(), func(t *testing.T) {
			s := mustNew(t, k, c)
			path := filepath.Join(t.TempDir(), FileName(k, JSON))
			if err := s.WriteFile(path, JSON); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, qemuPath, "-machine", "q35", "-accel", "tcg", "-S", "-nodefaults",
				"-display", "none", "-monitor", "stdio", "-device", "uefi-vars-x64,jsonfile="+path)
			cmd.Stdin = strings.NewReader("quit\n")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("qemu: %v\n%s", err, out)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParseJSON(b)
			if err != nil {
				t.Fatalf("ParseJSON(QEMU's rewrite) error = %v\n%s", err, b)
			}
			var kept []Variable
			for _, v := range got.Variables {
				_, ours := s.Lookup(v.Name, v.GUID)
				added := (v.Name == "VendorKeysNv" && v.GUID == GlobalVariableGUID) ||
					(v.Name == NameCustomMode && v.GUID == CustomModeGUID && string(v.Data) == "\x00")
				if added && !ours {
					continue
				}
				kept = append(kept, v)
			}
			if diff := cmp.Diff(s.Variables, (&Store{Variables: kept}).sorted(), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("QEMU rewrote the store (-ours +QEMU's):\n%s", diff)
			}
		})
	}
}
