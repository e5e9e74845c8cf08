package pcr

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"manx/firmware/varstore"
	"manx/internal/testutil"
	"manx/tpm/eventlog"
)

// The capture in testdata/capture (README.md there says how it was made):
// Manx's db-signed UKI booted by Manx's OVMF with the custom var store
// (Secure Boot on) and swtpm, init extending two boot phases.
const (
	captureDir = "testdata/capture"
	// captureUKIEnv names the captured UKI (not committed: 12 MB) for the
	// tests that check the summary against it.
	captureUKIEnv = "MANX_TEST_CAPTURE_UKI"
	// captureAuthoritySHA256 is the SHA-256 of the db certificate that
	// verified the captured UKI, as FindAuthority finds it
	// (TestCaptureUKI checks it when the UKI is at hand).
	captureAuthoritySHA256 = "3d73c12f0d380d0701bd2127c2c637e5938441524bbf36c36c935d518a1d9d60"
)

// capturePhases are the boot phases init extended into PCR 11 before
// pcrs.txt was read (userland/cmd/init on main: enter-initrd, ready).
var capturePhases = []string{"enter-initrd", "ready"}

type capture struct {
	in   Inputs
	log  *eventlog.Log
	pcrs map[int][]byte // pcrs.txt: the TPM's SHA-256 PCRs after boot
}

func loadCapture(t *testing.T) capture {
	t.Helper()
	u, err := ReadUKISummary(filepath.Join(captureDir, "uki.json"))
	if err != nil {
		t.Fatal(err)
	}
	vars := readVars(t)
	db, _ := vars.Lookup(varstore.NameDB, varstore.ImageSecurityDatabaseGUID)
	lists, err := varstore.ParseSignatureLists(db.Data)
	if err != nil {
		t.Fatal(err)
	}
	var auth *varstore.SignatureEntry
	for _, l := range lists {
		for i, e := range l.Entries {
			if sum := sha256.Sum256(e.Data); hex.EncodeToString(sum[:]) == captureAuthoritySHA256 {
				auth = &l.Entries[i]
			}
		}
	}
	if auth == nil {
		t.Fatalf("the captured db has no certificate with SHA-256 %s", captureAuthoritySHA256)
	}
	log, err := eventlog.ReadFile(filepath.Join(captureDir, "eventlog.bin"))
	if err != nil {
		t.Fatal(err)
	}
	return capture{
		in:   Inputs{UKI: u, Vars: vars, Authority: auth, Phases: capturePhases},
		log:  log,
		pcrs: readPCRs(t, filepath.Join(captureDir, "pcrs.txt")),
	}
}

func readVars(t *testing.T) *varstore.Store {
	t.Helper()
	f, err := os.Open(filepath.Join(captureDir, "vars.fd.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := io.ReadAll(z)
	if err != nil {
		t.Fatal(err)
	}
	s, err := varstore.ParseRaw(raw)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// readPCRs reads "pcrN sha256 <hex>" lines.
func readPCRs(t *testing.T, path string) map[int][]byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[int][]byte{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) != 3 || fs[1] != "sha256" || !strings.HasPrefix(fs[0], "pcr") {
			t.Fatalf("%s: bad line %q", path, sc.Text())
		}
		n, err1 := strconv.Atoi(strings.TrimPrefix(fs[0], "pcr"))
		v, err2 := hex.DecodeString(fs[2])
		if err1 != nil || err2 != nil || len(v) != 32 {
			t.Fatalf("%s: bad line %q", path, sc.Text())
		}
		out[n] = v
	}
	return out
}

// checkCapture predicts one PCR from the capture's inputs and checks the
// prediction event by event against the captured log and, with the boot
// phases, against the TPM's value.
func checkCapture(t *testing.T, pcr int, predict func(Inputs) ([]Event, error)) []Event {
	t.Helper()
	c := loadCapture(t)
	evs, err := predict(c.in)
	if err != nil {
		t.Fatalf("Predict%d() = %v", pcr, err)
	}
	if err := Compare(evs, c.log, pcr); err != nil {
		t.Errorf("Compare(PCR %d) = %v", pcr, err)
	}
	values, err := Replay(evs, sha256Only)
	if err != nil {
		t.Fatal(err)
	}
	want, ok := c.pcrs[pcr]
	if !ok {
		t.Fatalf("pcrs.txt has no PCR %d", pcr)
	}
	if got := values[pcr][eventlog.SHA256]; !bytes.Equal(got, want) {
		t.Errorf("PCR %d predicted %x, the TPM had %x", pcr, got, want)
	}
	return evs
}

func TestCapturePCR4(t *testing.T) {
	evs := checkCapture(t, 4, Predict4)
	// Secure Boot on: no event for the kernel inside the UKI.
	if len(evs) != 3 {
		t.Errorf("Predict4() = %d events, want 3 (action, separator, UKI)", len(evs))
	}
}

func TestCapturePCR7(t *testing.T) {
	evs := checkCapture(t, 7, Predict7)
	// SecureBoot PK KEK db dbx (no dbt in the store), separator, authority.
	if len(evs) != 7 || evs[6].Type != eventlog.EvEFIVariableAuthority {
		t.Errorf("Predict7() = %d events, want 7 ending in the authority", len(evs))
	}
}

func TestCapturePCR9(t *testing.T) {
	evs := checkCapture(t, 9, Predict9)
	// The load options are the .cmdline in UTF-16LE with its NUL: the
	// candidates without NUL or in ASCII give other digests.
	c := loadCapture(t)
	opts := c.log.PCREvents(9)[0]
	logged, _ := opts.Digest(eventlog.SHA256)
	for name, b := range map[string][]byte{
		"UTF-16LE": eventlog.EncodeUTF16(c.in.UKI.Cmdline), "ASCII": []byte(c.in.UKI.Cmdline), "ASCII+NUL": append([]byte(c.in.UKI.Cmdline), 0),
	} {
		if bytes.Equal(h256(b), logged) {
			t.Errorf("the load options digest also matches %s", name)
		}
	}
	if !bytes.Equal(h256(LoadOptions(c.in.UKI.Cmdline)), logged) || !bytes.Equal(evs[0].Digests[eventlog.SHA256], logged) {
		t.Errorf("load options: logged %x, want H(UTF-16LE ‖ NUL) %x", logged, h256(LoadOptions(c.in.UKI.Cmdline)))
	}
}

func TestCapturePCR11(t *testing.T) {
	checkCapture(t, 11, Predict11)
	// Without the phases the prediction is the log's replay.
	c := loadCapture(t)
	c.in.Phases = nil
	evs, err := Predict11(c.in)
	if err != nil {
		t.Fatal(err)
	}
	values, _ := Replay(evs, sha256Only)
	replayed, _ := eventlog.Replay(c.log, eventlog.SHA256)
	if !bytes.Equal(values[11][eventlog.SHA256], replayed[11]) {
		t.Errorf("PCR 11 without phases %x, log replay %x", values[11][eventlog.SHA256], replayed[11])
	}
}

func TestCapturePredict(t *testing.T) {
	c := loadCapture(t)
	p, err := Predict(c.in)
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if err := p.WriteValues(&got); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join(captureDir, "pcrs.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), got.String()); diff != "" {
		t.Errorf("Predict() values differ from the TPM's (-tpm +predicted):\n%s", diff)
	}
}

// TestCaptureUKI checks the committed summary against the captured UKI
// (MANX_TEST_CAPTURE_UKI=/path/to/uki.efi); with -update it rewrites the
// summary from it. Without the UKI it is skipped: the summary is the
// committed record of it.
func TestCaptureUKI(t *testing.T) {
	path := os.Getenv(captureUKIEnv)
	if path == "" {
		t.Skipf("%s unset: the captured UKI is not committed", captureUKIEnv)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	u, err := ReadUKI(b, eventlog.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	js, err := json.MarshalIndent(u, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	testutil.Golden(t, filepath.Join(captureDir, "uki.json"), append(js, '\n'))
	db, _ := readVars(t).Lookup(varstore.NameDB, varstore.ImageSecurityDatabaseGUID)
	auth, err := FindAuthority(b, db.Data)
	if err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256(auth.Data); hex.EncodeToString(sum[:]) != captureAuthoritySHA256 {
		t.Errorf("FindAuthority() = certificate with SHA-256 %x, want %s", sum, captureAuthoritySHA256)
	}
}
