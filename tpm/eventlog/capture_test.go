package eventlog

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"manx/internal/testutil"
)

// The captured log (testdata/capture/README.md): OVMF with Secure Boot on,
// swtpm with only the SHA-256 bank, systemd-stub 254, Linux 6.12.

func TestCaptureParse(t *testing.T) {
	b, err := os.ReadFile("testdata/capture/eventlog.bin")
	if err != nil {
		t.Fatal(err)
	}
	l, err := Parse(b)
	if err != nil {
		t.Fatalf("Parse(captured log) = %v", err)
	}
	if len(l.Algorithms) != 1 || l.Algorithms[0] != (AlgSize{SHA256, 32}) {
		t.Errorf("Algorithms = %v, want the SHA-256 bank only", l.Algorithms)
	}
	if again, err := Marshal(l); err != nil || !bytes.Equal(again, b) {
		t.Errorf("Marshal(Parse(captured log)) differs from the log (%v)", err)
	}
	if _, ok := l.StartupLocality(); ok {
		t.Errorf("StartupLocality() found an event; OVMF logs none")
	}
	var d bytes.Buffer
	if err := Describe(&d, l); err != nil {
		t.Fatal(err)
	}
	testutil.Golden(t, filepath.Join("testdata", "capture", "describe.golden"), d.Bytes())
}

// TestCaptureReplay: the log's replay is the TPM's value for PCRs 4, 7 and
// 9; PCR 11 differs by the boot phases init extended after the firmware,
// which are not in the firmware log.
func TestCaptureReplay(t *testing.T) {
	l, err := ReadFile("testdata/capture/eventlog.bin")
	if err != nil {
		t.Fatal(err)
	}
	got, err := Replay(l, SHA256)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("testdata/capture/pcrs.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var pcr int
		var bank, value string
		if _, err := fmt.Sscanf(strings.TrimPrefix(sc.Text(), "pcr"), "%d %s %s", &pcr, &bank, &value); err != nil {
			t.Fatalf("pcrs.txt: %q: %v", sc.Text(), err)
		}
		want, _ := hex.DecodeString(value)
		if same := bytes.Equal(got[pcr], want); same != (pcr != 11) {
			t.Errorf("PCR %d: replay %x, TPM %x (want equal: %v)", pcr, got[pcr], want, pcr != 11)
		}
	}
	// PCR 11 after extending the phases is the TPM's.
	v := got[11]
	for _, p := range []string{"enter-initrd", "ready"} {
		d, _ := SHA256.Sum([]byte(p))
		v, _ = Extend(SHA256, v, d)
	}
	if want := "3b7741bd428f71ddb770d8014e288edd6fd20de4510aedf4212aa416b7669826"; hex.EncodeToString(v) != want {
		t.Errorf("PCR 11 replay + phases = %x, TPM %s", v, want)
	}
}
