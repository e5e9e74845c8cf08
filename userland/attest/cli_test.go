package attest

import (
	"bytes"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestCLI(t *testing.T) {
	randomNonce := bytes.Repeat([]byte{0x42}, randomNonceSize)
	qp, roots := fakeSP(t, map[[64]byte]report{
		ReportData(nonce):       {reportData: ReportData(nonce), measurement: goodMeasurement, policy: policyNoDebug},
		ReportData(randomNonce): {reportData: ReportData(randomNonce), measurement: goodMeasurement, policy: policyNoDebug},
	})
	dir := t.TempDir()
	good := filepath.Join(dir, "snp-measurement")
	if err := os.WriteFile(good, []byte(hex.EncodeToString(goodMeasurement)+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	other := strings.Repeat("ab", MeasurementSize)
	wrong := filepath.Join(dir, "wrong")
	if err := os.WriteFile(wrong, []byte(other), 0o644); err != nil {
		t.Fatal(err)
	}
	snp := func() (QuoteProvider, error) { return qp, nil }
	notSNP := func() (QuoteProvider, error) { return nil, ErrNotSNPGuest }
	broken := func() (QuoteProvider, error) { return nil, errors.New("opening /dev/sev-guest: permission denied") }
	n := hex.EncodeToString(nonce)
	okLine := "attest: OK measurement=" + hex.EncodeToString(goodMeasurement) + "\n"
	for _, tc := range []struct {
		name       string
		open       func() (QuoteProvider, error)
		tamper     bool
		args       []string
		wantCode   int
		wantOut    string
		wantErrOut string
	}{
		{"good", snp, false, []string{"--nonce", n, "--measurement-file", good}, ExitOK, okLine, ""},
		{"random nonce", snp, false, []string{"--measurement-file", good}, ExitOK, okLine, ""},
		{"measurement flag", snp, false, []string{"--nonce=" + n, "--measurement=" + hex.EncodeToString(goodMeasurement)}, ExitOK, okLine, ""},
		{"not SNP", notSNP, false, []string{"--nonce", n, "--measurement-file", filepath.Join(dir, "missing")}, ExitNotSNP, "attest: not an SEV-SNP guest\n", ""},
		{"device broken", broken, false, []string{"--nonce", n}, ExitFail, "attest: FAIL report: opening /dev/sev-guest: permission denied\n", ""},
		{"wrong measurement", snp, false, []string{"--nonce", n, "--measurement-file", wrong}, ExitFail,
			"attest: FAIL measurement: got " + hex.EncodeToString(goodMeasurement) + ", want " + other + "\n", ""},
		{"wrong nonce", snp, false, []string{"--nonce", "00", "--measurement-file", good}, ExitFail,
			"attest: FAIL report: getting attestation report: test error: no response for", ""},
		{"bad signature", snp, true, []string{"--nonce", n, "--measurement-file", good}, ExitFail, "attest: FAIL signature: report signature verification error: x509: ECDSA verification failure\n", ""},
		{"missing measurement file", snp, false, []string{"--nonce", n, "--measurement-file", filepath.Join(dir, "missing")}, ExitFail,
			"attest: FAIL expected measurement: open " + filepath.Join(dir, "missing") + ": no such file or directory\n", ""},
		{"bad measurement file", snp, false, []string{"--nonce", n, "--measurement=abc"}, ExitFail,
			"attest: FAIL expected measurement: parsing expected measurement: 3 hex digits, want 96\n", ""},
		{"policy", snp, false, []string{"--nonce", n, "--measurement-file", good, "--policy", "0x70000"}, ExitFail,
			"attest: FAIL policy: got 0x30000, want 0x70000\n", ""},
		{"bad nonce", snp, false, []string{"--nonce", "xyz"}, ExitUsage, "", "attest: --nonce \"xyz\": want non-empty hex\n"},
		{"bad policy", snp, false, []string{"--policy", "debug"}, ExitUsage, "", "attest: --policy \"debug\": want a 64-bit number\n"},
		{"extra argument", snp, false, []string{"now"}, ExitUsage, "", "attest: unexpected argument \"now\"\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			open := tc.open
			if tc.tamper {
				open = func() (QuoteProvider, error) { return tamper{qp}, nil }
			}
			cli := CLI{Open: open, Rand: bytes.NewReader(randomNonce), PolicyPath: filepath.Join(dir, "absent.json"), TrustedRoots: roots, Now: testNow}
			var stdout, stderr bytes.Buffer
			code := cli.Run(tc.args, &stdout, &stderr)
			if code != tc.wantCode {
				t.Errorf("Run(%q) = %d, want %d (stdout %q, stderr %q)", tc.args, code, tc.wantCode, stdout.String(), stderr.String())
			}
			if !strings.HasPrefix(stdout.String(), tc.wantOut) || (tc.wantOut == "" && stdout.Len() > 0) {
				t.Errorf("Run(%q) stdout = %q, want prefix %q", tc.args, stdout.String(), tc.wantOut)
			}
			if tc.wantErrOut != "" {
				if diff := cmp.Diff(tc.wantErrOut, stderr.String()); diff != "" {
					t.Errorf("Run(%q) stderr mismatch (-want +got):\n%s", tc.args, diff)
				}
			} else if stderr.Len() > 0 {
				t.Errorf("Run(%q) stderr = %q, want empty", tc.args, stderr.String())
			}
		})
	}
}

// TestCLIPolicyFile: a policy file given by flag, or present at the default
// path, is applied, and every field it refuses gets its own FAIL line.
func TestCLIPolicyFile(t *testing.T) {
	debugNonce := []byte("debug")
	qp, roots := fakeSP(t, map[[64]byte]report{
		ReportData(nonce):      {reportData: ReportData(nonce), measurement: goodMeasurement, policy: policyNoDebug},
		ReportData(debugNonce): {reportData: ReportData(debugNonce), measurement: goodMeasurement, policy: policyDebug},
	})
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	lenient := write("lenient.json", `{"vmpl": 0}`)
	strict := write("strict.json", `{"minimum_tcb": {"snp": 1}, "chip_ids": ["`+strings.Repeat("01", 64)+`"]}`)
	debug := write("debug.json", `{"allow_debug": true}`)
	bad := write("bad.json", `{"vmpl": 0, "debug": true}`)
	missing := filepath.Join(dir, "missing.json")
	n := hex.EncodeToString(nonce)
	m := hex.EncodeToString(goodMeasurement)
	okLine := "attest: OK measurement=" + m + "\n"
	strictLines := "attest: FAIL policy file: reported TCB 0x0 (bootloader 0, tee 0, snp 0, microcode 0) below minimum 0x1000000000000 (bootloader 0, tee 0, snp 1, microcode 0)\n" +
		"attest: FAIL policy file: chip_id " + strings.Repeat("00", 64) + " not in the policy's chip_ids (1 entries)\n"
	for _, tc := range []struct {
		name       string
		defaultPol string
		args       []string
		wantCode   int
		wantOut    string
	}{
		{"lenient by flag", missing, []string{"--nonce", n, "--measurement", m, "--policy-file", lenient}, ExitOK, okLine},
		{"strict by flag", missing, []string{"--nonce", n, "--measurement", m, "--policy-file", strict}, ExitFail, strictLines},
		{"strict at the default path", strict, []string{"--nonce", n, "--measurement", m}, ExitFail, strictLines},
		{"no file at the default path", missing, []string{"--nonce", n, "--measurement", m}, ExitOK, okLine},
		{"debug refused by the policy file", lenient, []string{"--nonce", hex.EncodeToString(debugNonce), "--measurement", m}, ExitFail,
			"attest: FAIL policy file: policy: debug allowed (guest policy bit 19)\n"},
		{"debug allowed by the policy file", debug, []string{"--nonce", hex.EncodeToString(debugNonce), "--measurement", m}, ExitOK, okLine},
		{"measurement and policy file both fail", strict, []string{"--nonce", n, "--measurement", strings.Repeat("ab", MeasurementSize)}, ExitFail,
			"attest: FAIL measurement: got " + m + ", want " + strings.Repeat("ab", MeasurementSize) + "\n" + strictLines},
		{"missing file by flag", strict, []string{"--nonce", n, "--measurement", m, "--policy-file", missing}, ExitFail,
			"attest: FAIL reading SEV-SNP policy: open " + missing + ": no such file or directory\n"},
		{"malformed file", bad, []string{"--nonce", n, "--measurement", m}, ExitFail,
			"attest: FAIL parsing SEV-SNP policy " + bad + ": json: unknown field \"debug\"\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cli := CLI{Open: func() (QuoteProvider, error) { return qp, nil }, PolicyPath: tc.defaultPol, TrustedRoots: roots, Now: testNow}
			var stdout, stderr bytes.Buffer
			code := cli.Run(tc.args, &stdout, &stderr)
			if code != tc.wantCode || stderr.Len() != 0 {
				t.Errorf("Run(%q) = %d, stderr %q, want %d", tc.args, code, stderr.String(), tc.wantCode)
			}
			if diff := cmp.Diff(tc.wantOut, stdout.String()); diff != "" {
				t.Errorf("Run(%q) stdout mismatch (-want +got):\n%s", tc.args, diff)
			}
		})
	}
	// A policy file does not change the not-SNP marker or its exit status.
	cli := CLI{Open: func() (QuoteProvider, error) { return nil, ErrNotSNPGuest }, PolicyPath: bad}
	var stdout, stderr bytes.Buffer
	if code := cli.Run([]string{"--nonce", n}, &stdout, &stderr); code != ExitNotSNP || stdout.String() != "attest: not an SEV-SNP guest\n" {
		t.Errorf("Run(not SNP, malformed policy file) = %d, %q, want %d, the not-SNP marker", code, stdout.String(), ExitNotSNP)
	}
}
