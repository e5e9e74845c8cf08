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
			cli := CLI{Open: open, Rand: bytes.NewReader(randomNonce), TrustedRoots: roots, Now: testNow}
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
