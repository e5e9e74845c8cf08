package main

import (
	"bytes"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-sev-guest/abi"

	"manx/firmware/snp"
	"manx/userland/attest/verdict"
	"manx/userland/attest/verdict/verdicttest"
)

// TestVerifyReport is the acceptance test of verify-report: a fake-signed good
// report passes, and each failing field is refused with one line.
func TestVerifyReport(t *testing.T) {
	verifyNow = verdicttest.Now
	t.Cleanup(func() { verifyNow = time.Time{} })
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good, err := snp.ParseDigest("60981ed72f7f7300f2952909867a5a5f7f8fb4088999dcbdd80d165206ee478c45e41f9f6c723799808d117a2e70b949")
	if err != nil {
		t.Fatal(err)
	}
	other := good
	other[0] ^= 0xff
	var table bytes.Buffer
	row := snp.Row{OVMFSHA256: "f0", VMMType: "QEMU", GuestFeatures: "0x1", VCPUType: "EPYC-Milan", VCPUSig: "0x00a00f11", VCPUs: 2, Measurement: good}
	row1 := row
	row1.VCPUs, row1.Measurement = 1, other
	if err := snp.WriteJSON(&table, []snp.Row{row, row1}); err != nil {
		t.Fatal(err)
	}
	tablePath := write("snp.json", table.Bytes())
	policy := write("policy.json", []byte(`{"minimum_tcb": {"bootloader": 3, "tee": 0, "snp": 8, "microcode": 115}, "vmpl": 0,
  "allow_debug": false, "allow_migration_agent": false}`))
	highPolicy := write("high.json", []byte(`{"minimum_tcb": {"bootloader": 3, "tee": 0, "snp": 9, "microcode": 115}}`))
	badPolicy := write("bad.json", []byte(`{"allow_debug": false, "min_tcb": 1}`))
	s := verdicttest.NewSigner(t)
	roots := write("ask_ark.pem", s.RootsPEM())
	nonce := []byte("manx nonce 0001")
	n := hex.EncodeToString(nonce)
	goodReport := verdicttest.Report{ReportData: verdict.ReportData(nonce), Measurement: good[:]}

	type files struct{ report, certs string }
	sign := func(name string, mod func(*verdicttest.Report), breakChain bool) files {
		r := goodReport
		if mod != nil {
			mod(&r)
		}
		report, certs := s.Sign(t, r)
		if breakChain {
			certs = verdicttest.BreakVCEK(t, certs)
		}
		return files{write(name+".bin", report), write(name+".certs", certs)}
	}
	ok := sign("good", nil, false)
	appended := write("appended.bin", append(mustRead(t, ok.report), mustRead(t, ok.certs)...))
	args := func(f files, extra ...string) []string {
		return append([]string{"verify-report", "--report", f.report, "--certs", f.certs, "--policy", policy,
			"--table", tablePath, "--nonce", n, "--roots", roots}, extra...)
	}
	otherRD := verdict.ReportData([]byte("an old nonce"))
	wantRD := verdict.ReportData(nonce)
	for _, tc := range []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
	}{
		{"good", args(ok), 0, "verify-report: OK measurement=" + good.String() + " (" + tablePath + " table: vcpu_type=EPYC-Milan vcpus=2 guest_features=0x1)\n"},
		{"good, certificates appended", []string{"verify-report", "--report", appended, "--table", tablePath, "--nonce", n, "--roots", roots}, 0, "verify-report: OK measurement="},
		{"wrong measurement", args(sign("wrongm", func(r *verdicttest.Report) { r.Measurement = bytes.Repeat([]byte{0xee}, 48) }, false)), 1,
			"verify-report: FAIL measurement " + strings.Repeat("ee", 48) + " not in table (2 launch digests)\n"},
		{"debug policy", args(sign("debug", func(r *verdicttest.Report) { r.Policy = abi.SnpPolicyToBytes(abi.SnpPolicy{SMT: true, Debug: true}) }, false)), 1,
			"verify-report: FAIL policy: debug allowed (guest policy bit 19)\n"},
		{"low TCB", append(args(ok), "--policy", highPolicy), 1,
			"verify-report: FAIL reported TCB 0x7308000000000003 (bootloader 3, tee 0, snp 8, microcode 115) below minimum 0x7309000000000003 (bootloader 3, tee 0, snp 9, microcode 115)\n"},
		{"VMPL 1", args(sign("vmpl1", func(r *verdicttest.Report) { r.VMPL = 1 }, false)), 1, "verify-report: FAIL vmpl 1, want 0\n"},
		{"nonce mismatch", args(sign("replay", func(r *verdicttest.Report) { r.ReportData = otherRD }, false)), 1,
			"verify-report: FAIL report_data " + hex.EncodeToString(otherRD[:]) + " does not match nonce " + n + " (want sha512(nonce) = " + hex.EncodeToString(wantRD[:]) + ")\n"},
		{"broken chain", args(sign("broken", nil, true)), 1,
			`verify-report: FAIL signature: VCEK could not be verified by any trusted roots. Last error: error verifying VCEK certificate: x509: certificate signed by unknown authority (possibly because of "crypto/rsa: verification error" while trying to verify candidate authority certificate "SEV-Milan") (true)` + "\n"},
		{"AMD's roots", args(ok)[:len(args(ok))-2], 1, "verify-report: FAIL signature: VCEK could not be verified by any trusted roots."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tc.args, &stdout, &stderr)
			if code != tc.wantCode || !strings.HasPrefix(stdout.String(), tc.wantOut) || stderr.Len() != 0 {
				t.Fatalf("run(%s) = %d, stdout %q, stderr %q, want %d, stdout starting %q", tc.name, code, stdout.String(), stderr.String(), tc.wantCode, tc.wantOut)
			}
			if strings.Count(stdout.String(), "\n") != 1 {
				t.Errorf("run(%s) stdout = %q, want one line", tc.name, stdout.String())
			}
			if tc.wantCode != 0 && len(tc.wantOut) > 0 && tc.wantOut[len(tc.wantOut)-1] == '\n' {
				if diff := cmp.Diff(tc.wantOut, stdout.String()); diff != "" {
					t.Errorf("run(%s) stdout mismatch (-want +got):\n%s", tc.name, diff)
				}
			}
			t.Logf("%s: exit %d: %s", tc.name, code, strings.TrimSuffix(stdout.String(), "\n"))
		})
	}

	for _, tc := range []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"missing report", []string{"verify-report", "--nonce", n, "--table", tablePath}, 2, "manx-measure verify-report: missing --report"},
		{"missing nonce", []string{"verify-report", "--report", ok.report, "--table", tablePath}, 2, "manx-measure verify-report: missing --nonce"},
		{"bad nonce", []string{"verify-report", "--report", ok.report, "--nonce", "xyz", "--table", tablePath}, 2, `--nonce "xyz": want non-empty hex`},
		{"no expectations", []string{"verify-report", "--report", ok.report, "--certs", ok.certs, "--nonce", n}, 2, "no expected measurements: give --table or a --policy with measurements"},
		{"extra argument", []string{"verify-report", "--report", ok.report, "--nonce", n, "now"}, 2, `unexpected argument "now"`},
		{"unknown flag", []string{"verify-report", "--ovmf", "x"}, 2, "flag provided but not defined: -ovmf"},
		{"bad policy", []string{"verify-report", "--report", ok.report, "--nonce", n, "--table", tablePath, "--policy", badPolicy}, 1,
			"manx-measure verify-report: parsing SEV-SNP policy " + badPolicy + `: json: unknown field "min_tcb"`},
		{"bad table", []string{"verify-report", "--report", ok.report, "--nonce", n, "--table", policy}, 1, "manx-measure verify-report: " + policy + ": reading SEV-SNP measurement table"},
		{"bad roots", []string{"verify-report", "--report", ok.report, "--nonce", n, "--table", tablePath, "--roots", policy}, 1, "parsing AMD root certificates"},
		{"short report", []string{"verify-report", "--report", policy, "--nonce", n, "--table", tablePath}, 1, "want an attestation report of 1184"},
		{"no certificates", []string{"verify-report", "--report", ok.report, "--nonce", n, "--table", tablePath}, 1, "has no certificate table: give --certs"},
		{"two certificate tables", []string{"verify-report", "--report", appended, "--certs", ok.certs, "--nonce", n, "--table", tablePath}, 1, "has a certificate table appended"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tc.args, &stdout, &stderr)
			if code != tc.wantCode || stdout.Len() != 0 || !strings.Contains(stderr.String(), tc.wantErr) {
				t.Errorf("run(%q) = %d, stdout %q, stderr %q, want %d, stderr containing %q", tc.args, code, stdout.String(), stderr.String(), tc.wantCode, tc.wantErr)
			}
		})
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
