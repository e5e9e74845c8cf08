package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"manx/firmware/varstore"
	"manx/internal/deb/debtest"
	"manx/tpm/eventlog"
	"manx/tpm/pcr"
	"manx/uki"
)

// pcrFiles writes a UKI on the pinned stub and a blank var store.
func pcrFiles(t *testing.T) (ukiPath, varsPath string) {
	t.Helper()
	dir := t.TempDir()
	stub := debtest.SystemdStub(t)
	b, err := uki.Assemble(uki.Spec{Stub: stub, Linux: stub, Initrd: []byte("initrd"), Cmdline: uki.Cmdline,
		OSRelease: uki.OSRelease("1.0"), Time: time.Unix(1735689600, 0)})
	if err != nil {
		t.Fatal(err)
	}
	ukiPath, varsPath = filepath.Join(dir, "uki.efi"), filepath.Join(dir, "vars.fd")
	if err := os.WriteFile(ukiPath, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := (&varstore.Store{}).WriteFile(varsPath, varstore.Raw); err != nil {
		t.Fatal(err)
	}
	return ukiPath, varsPath
}

// logFor writes the event log the firmware would write for p.
func logFor(t *testing.T, p *pcr.Prediction, tamper func(*eventlog.Log)) string {
	t.Helper()
	l, err := eventlog.New(eventlog.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range p.Events {
		if e.Phase == "" {
			l.Events = append(l.Events, eventlog.Event{PCR: e.PCR, Type: e.Type,
				Digests: []eventlog.Digest{{Alg: eventlog.SHA256, Sum: e.Digests[eventlog.SHA256]}}})
		}
	}
	if tamper != nil {
		tamper(l)
	}
	b, err := eventlog.Marshal(l)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "binary_bios_measurements")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func runOK(t *testing.T, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := run(args, &stdout, &stderr); code != exitOK || stderr.Len() != 0 {
		t.Fatalf("run(%q) = %d, stderr %q", args, code, stderr.String())
	}
	return stdout.String()
}

func TestPCR(t *testing.T) {
	ukiPath, varsPath := pcrFiles(t)
	in, err := pcr.ReadInputs(ukiPath, varsPath)
	if err != nil {
		t.Fatal(err)
	}
	in.Phases = []string{"enter-initrd", "ready"}
	p, err := pcr.Predict(in)
	if err != nil {
		t.Fatal(err)
	}
	var values bytes.Buffer
	if err := p.WriteValues(&values); err != nil {
		t.Fatal(err)
	}

	got := runOK(t, "pcr", "--uki", ukiPath, "--vars", varsPath, "--phases", "enter-initrd,ready")
	if got != values.String() || strings.Count(got, "\n") != 4 || !strings.HasPrefix(got, "pcr4 sha256 ") {
		t.Errorf("pcr = %q, want %q", got, values.String())
	}
	explained := runOK(t, "pcr", "--uki", ukiPath, "--vars", varsPath, "--phases", "enter-initrd,ready", "--explain")
	if !strings.HasPrefix(explained, values.String()) || !strings.Contains(explained, `pcr=11 phase sha256=`) ||
		!strings.Contains(explained, "pcr=4 EV_EFI_ACTION") {
		t.Errorf("pcr --explain = %q, want the values and one line per event", explained)
	}

	// A log that matches: the log's replay, then one "matches" line per PCR.
	logPath := logFor(t, p, nil)
	got = runOK(t, "pcr", "--eventlog", logPath, "--uki", ukiPath, "--vars", varsPath)
	for _, want := range []string{"pcr4 sha256 ", "pcr4: log matches the prediction", "pcr11: log matches the prediction"} {
		if !strings.Contains(got, want) {
			t.Errorf("pcr --eventlog --uki --vars = %q, want it to contain %q", got, want)
		}
	}
	if only := runOK(t, "pcr", "--eventlog", logPath, "--explain"); !strings.Contains(only, "pcr=9 EV_EVENT_TAG") || strings.Contains(only, "matches") {
		t.Errorf("pcr --eventlog --explain = %q", only)
	}

	// A log whose PCR 9 initrd digest differs.
	bad := logFor(t, p, func(l *eventlog.Log) {
		for i := range l.Events {
			if l.Events[i].PCR == 9 {
				l.Events[i].Digests[0].Sum = make([]byte, 32)
			}
		}
	})
	var stdout, stderr bytes.Buffer
	code := run([]string{"pcr", "--eventlog", bad, "--uki", ukiPath, "--vars", varsPath}, &stdout, &stderr)
	if code != exitError || !strings.Contains(stdout.String(), "pcr9: differs: PCR 9 event 0") || !strings.Contains(stdout.String(), "pcr7: log matches") {
		t.Errorf("pcr (tampered log) = %d, %q", code, stdout.String())
	}
}

func TestPCRUsage(t *testing.T) {
	ukiPath, varsPath := pcrFiles(t)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"pcr"}, exitUsage, "give --uki and --vars"},
		{[]string{"pcr", "--uki", ukiPath}, exitUsage, "go together"},
		{[]string{"pcr", "--uki", ukiPath, "--vars", varsPath, "extra"}, exitUsage, "unexpected argument"},
		{[]string{"pcr", "--uki", varsPath, "--vars", varsPath}, exitError, "no MZ header"},
		{[]string{"pcr", "--uki", ukiPath, "--vars", ukiPath}, exitError, "FV"},
		{[]string{"pcr", "--eventlog", ukiPath}, exitError, "malformed event log"},
		{[]string{"pcr", "--uki", ukiPath, "--vars", varsPath, "--phases", "a,,b"}, exitError, "empty boot phase"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(tc.args, &stdout, &stderr); code != tc.code || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("run(%q) = %d, stderr %q; want %d and %q", tc.args, code, stderr.String(), tc.code, tc.want)
		}
	}
}
