package pcr

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"manx/tpm/eventlog"
)

// systemdMeasure is systemd-measure 252 as Debian bookworm installs it.
const systemdMeasure = "/usr/lib/systemd/systemd-measure"

// replay256 extends digests into a zero SHA-256 PCR.
func replay256(digests ...[]byte) []byte {
	v := make([]byte, 32)
	for _, d := range digests {
		v = h256(v, d)
	}
	return v
}

func TestPredict11(t *testing.T) {
	spec := testSpec(t)
	b := assemble(t, spec)
	u, err := ReadUKI(b)
	if err != nil {
		t.Fatal(err)
	}
	sbat, _ := u.Section(".sbat")
	evs, err := Predict11(Inputs{UKI: u, Phases: []string{"enter-initrd", "ready"}})
	if err != nil {
		t.Fatalf("Predict11() = %v", err)
	}
	// By hand: name with NUL, then data, in systemd-stub 254's order; then
	// the phase words without NUL.
	want := [][]byte{
		h256([]byte(".linux\x00")), h256(spec.Linux),
		h256([]byte(".osrel\x00")), h256([]byte(spec.OSRelease)),
		h256([]byte(".cmdline\x00")), h256([]byte(spec.Cmdline)),
		h256([]byte(".initrd\x00")), h256(spec.Initrd),
		h256([]byte(".uname\x00")), h256([]byte(spec.Uname)),
		h256([]byte(".sbat\x00")), sbat.Digests[eventlog.SHA256],
		h256([]byte("enter-initrd")), h256([]byte("ready")),
	}
	if len(evs) != len(want) {
		t.Fatalf("Predict11() = %d events, want %d", len(evs), len(want))
	}
	for i, e := range evs {
		if !bytes.Equal(e.Digests[eventlog.SHA256], want[i]) || e.PCR != 11 {
			t.Errorf("event %d = %s, want sha256=%x", i, e.Line(eventlog.SHA256), want[i])
		}
		if isPhase := i >= 12; isPhase != (e.Phase != "") || !isPhase && e.Type != eventlog.EvIPL {
			t.Errorf("event %d = %s: wrong type or phase", i, e.Line(eventlog.SHA256))
		}
	}
	if _, err := Predict11(Inputs{UKI: u, Phases: []string{""}}); !errors.Is(err, ErrInputs) {
		t.Errorf("Predict11(empty phase) = %v, want ErrInputs", err)
	}
}

// TestSectionEventsSystemdMeasure compares with systemd-measure 252, which
// knows neither .uname nor .sbat: the sections 252 measures, with and
// without phases. Without systemd-measure the test is skipped, except
// under the oracle build tag (oracleRequired), where that is a failure.
func TestSectionEventsSystemdMeasure(t *testing.T) {
	if _, err := os.Stat(systemdMeasure); err != nil {
		if oracleRequired {
			t.Fatalf("%s: %v (the oracle tests need systemd 252's systemd-measure)", systemdMeasure, err)
		}
		t.Skipf("%s not installed", systemdMeasure)
	}
	spec := testSpec(t)
	u, err := ReadUKI(assemble(t, spec))
	if err != nil {
		t.Fatal(err)
	}
	var old []Section // what systemd 252 measures
	for _, s := range u.Sections {
		if s.Name != ".uname" && s.Name != ".sbat" {
			old = append(old, s)
		}
	}
	dir := t.TempDir()
	args := []string{"calculate", "--bank=sha256", "--json=short"}
	for flag, data := range map[string][]byte{"linux": spec.Linux, "osrel": []byte(spec.OSRelease), "cmdline": []byte(spec.Cmdline), "initrd": spec.Initrd} {
		p := filepath.Join(dir, flag)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, "--"+flag+"="+p)
	}
	for _, phases := range [][]string{nil, {"enter-initrd"}, {"enter-initrd", "leave-initrd", "sysinit", "ready"}} {
		t.Run(strings.Join(phases, ":"), func(t *testing.T) {
			out, err := exec.Command(systemdMeasure, append(args, "--phase="+strings.Join(phases, ":"))...).Output()
			if err != nil {
				t.Fatalf("systemd-measure: %v", err)
			}
			var res map[string][]struct {
				PCR  int    `json:"pcr"`
				Hash string `json:"hash"`
			}
			if err := json.Unmarshal(out, &res); err != nil || len(res["sha256"]) != 1 {
				t.Fatalf("systemd-measure output %s: %v", out, err)
			}
			want, _ := hex.DecodeString(res["sha256"][0].Hash)
			evs, err := SectionEvents(old, sha256Only)
			if err != nil {
				t.Fatal(err)
			}
			var ds [][]byte
			for _, e := range evs {
				ds = append(ds, e.Digests[eventlog.SHA256])
			}
			for _, p := range phases {
				ds = append(ds, h256([]byte(p)))
			}
			if got := replay256(ds...); !bytes.Equal(got, want) {
				t.Errorf("PCR 11 = %x, systemd-measure %x", got, want)
			}
		})
	}
}
