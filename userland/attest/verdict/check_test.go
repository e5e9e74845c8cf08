package verdict_test

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-sev-guest/abi"
	"github.com/google/go-sev-guest/kds"
	pb "github.com/google/go-sev-guest/proto/sevsnp"
	"github.com/google/go-sev-guest/verify/trust"

	"manx/userland/attest/verdict"
	"manx/userland/attest/verdict/verdicttest"
)

var (
	good  = bytes.Repeat([]byte{0x60}, abi.MeasurementSize)
	other = bytes.Repeat([]byte{0x0b}, abi.MeasurementSize)
	nonce = []byte("manx nonce 0001")
)

func attestation(t *testing.T, report, certs []byte) *pb.Attestation {
	t.Helper()
	att, err := abi.ReportCertsToProto(append(bytes.Clone(report), certs...))
	if err != nil {
		t.Fatalf("abi.ReportCertsToProto() error = %v", err)
	}
	return att
}

func TestCheck(t *testing.T) {
	s := verdicttest.NewSigner(t)
	rd := verdict.ReportData(nonce)
	goodReport := verdicttest.Report{ReportData: rd, Measurement: good}
	mod := func(f func(*verdicttest.Report)) verdicttest.Report {
		r := goodReport
		f(&r)
		return r
	}
	u := func(v int) *int { return &v }
	minTCB := verdict.TCB(verdicttest.TCBValue())
	higher := verdicttest.TCB
	higher.SnpSpl++
	strict := &verdict.Policy{MinimumTCB: minTCB}
	lowTCB := verdicttest.TCBValue() &^ (0xff << 48) // snp 0
	table := []verdict.Expected{{Measurement: other, Name: "EPYC-v4, 1 vCPU"}, {Measurement: good, Name: "EPYC-Milan, 2 vCPUs"}}
	otherNonceRD := verdict.ReportData([]byte("an old nonce"))
	wantRD := verdict.ReportData(nonce)
	for _, tc := range []struct {
		name   string
		report verdicttest.Report
		policy *verdict.Policy
		certs  func([]byte) []byte
		nonce  []byte
		want   []string // one line per failing field; nil: accepted
	}{
		{name: "good", report: goodReport, policy: strict},
		{name: "good, zero policy", report: goodReport},
		{name: "good, chip allowed", report: goodReport, policy: &verdict.Policy{ChipIDs: []verdict.Hex{bytes.Repeat([]byte{1}, 64), verdicttest.ChipID}}},
		{name: "debug allowed by policy", report: mod(func(r *verdicttest.Report) { r.Policy = abi.SnpPolicyToBytes(abi.SnpPolicy{SMT: true, Debug: true}) }),
			policy: &verdict.Policy{AllowDebug: true}},
		{name: "vmpl 1 allowed by policy", report: mod(func(r *verdicttest.Report) { r.VMPL = 1 }), policy: &verdict.Policy{VMPL: u(1)}},
		{name: "wrong measurement", report: mod(func(r *verdicttest.Report) { r.Measurement = bytes.Repeat([]byte{0xee}, 48) }), policy: strict,
			want: []string{"measurement " + strings.Repeat("ee", 48) + " not in table (2 launch digests)"}},
		{name: "debug policy", report: mod(func(r *verdicttest.Report) { r.Policy = abi.SnpPolicyToBytes(abi.SnpPolicy{SMT: true, Debug: true}) }), policy: strict,
			want: []string{"policy: debug allowed (guest policy bit 19)"}},
		{name: "migration agent", report: mod(func(r *verdicttest.Report) {
			r.Policy = abi.SnpPolicyToBytes(abi.SnpPolicy{SMT: true, MigrateMA: true})
		}), policy: strict,
			want: []string{"policy: migration agent allowed (guest policy bit 18)"}},
		{name: "low TCB", report: goodReport, policy: &verdict.Policy{MinimumTCB: verdict.TCB(mustCompose(t, higher))},
			want: []string{"reported TCB 0x7308000000000003 (bootloader 3, tee 0, snp 8, microcode 115) below minimum 0x7309000000000003 (bootloader 3, tee 0, snp 9, microcode 115)"}},
		{name: "report TCB is not the VCEK's", report: mod(func(r *verdicttest.Report) { r.ReportedTCB = lowTCB }),
			want: []string{"validate: the report's REPORTED_TCB 0x7300000000000003 does not match the TCB of the V[CL]EK certificate 0x7308000000000003"}},
		{name: "vmpl 1", report: mod(func(r *verdicttest.Report) { r.VMPL = 1 }), policy: strict, want: []string{"vmpl 1, want 0"}},
		{name: "chip not allowed", report: goodReport, policy: &verdict.Policy{ChipIDs: []verdict.Hex{bytes.Repeat([]byte{1}, 64)}},
			want: []string{"chip_id " + strings.Repeat("c1", 64) + " not in the policy's chip_ids (1 entries)"}},
		{name: "chip is not the VCEK's", report: mod(func(r *verdicttest.Report) { r.ChipID = bytes.Repeat([]byte{2}, 64) }),
			want: []string{"validate: report field CHIP_ID " + strings.Repeat("02", 64) + " is not the same as the VCEK certificate's HWID " + strings.Repeat("c1", 64)}},
		{name: "nonce mismatch", report: mod(func(r *verdicttest.Report) { r.ReportData = otherNonceRD }), policy: strict,
			want: []string{"report_data " + hex.EncodeToString(otherNonceRD[:]) + " does not match nonce " + hex.EncodeToString(nonce) + " (want sha512(nonce) = " + hex.EncodeToString(wantRD[:]) + ")"}},
		{name: "broken chain", report: goodReport, policy: strict, certs: func(c []byte) []byte { return verdicttest.BreakVCEK(t, c) },
			want: []string{`signature: VCEK could not be verified by any trusted roots. Last error: error verifying VCEK certificate: x509: certificate signed by unknown authority (possibly because of "crypto/rsa: verification error" while trying to verify candidate authority certificate "SEV-Milan") (true)`}},
		{name: "no certificates", report: goodReport, policy: strict, certs: func([]byte) []byte { return nil },
			want: []string{"signature: missing VCEK certificate", "validate: unsupported key kind VCEK"}},
		{name: "everything wrong at once",
			report: verdicttest.Report{ReportData: otherNonceRD, Measurement: bytes.Repeat([]byte{0xee}, 48), VMPL: 2,
				Policy: abi.SnpPolicyToBytes(abi.SnpPolicy{SMT: true, Debug: true, MigrateMA: true})},
			policy: &verdict.Policy{MinimumTCB: verdict.TCB(mustCompose(t, higher)), ChipIDs: []verdict.Hex{bytes.Repeat([]byte{1}, 64)}},
			want: []string{
				"report_data " + hex.EncodeToString(otherNonceRD[:]) + " does not match nonce " + hex.EncodeToString(nonce) + " (want sha512(nonce) = " + hex.EncodeToString(wantRD[:]) + ")",
				"measurement " + strings.Repeat("ee", 48) + " not in table (2 launch digests)",
				"policy: debug allowed (guest policy bit 19)",
				"policy: migration agent allowed (guest policy bit 18)",
				"vmpl 2, want 0",
				"reported TCB 0x7308000000000003 (bootloader 3, tee 0, snp 8, microcode 115) below minimum 0x7309000000000003 (bootloader 3, tee 0, snp 9, microcode 115)",
				"chip_id " + strings.Repeat("c1", 64) + " not in the policy's chip_ids (1 entries)",
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			report, certs := s.Sign(t, tc.report)
			if tc.certs != nil {
				certs = tc.certs(certs)
			}
			res, err := verdict.Check(attestation(t, report, certs), verdict.Options{
				Policy: tc.policy, Nonce: nonce, Measurements: table, TrustedRoots: s.Roots(), Now: verdicttest.Now,
			})
			if tc.want == nil {
				if err != nil {
					t.Fatalf("Check(%s) error = %v, want nil", tc.name, err)
				}
				if res.Match.Name != "EPYC-Milan, 2 vCPUs" {
					t.Errorf("Check(%s).Match = %+v, want the EPYC-Milan row", tc.name, res.Match)
				}
				return
			}
			if err == nil {
				t.Fatalf("Check(%s) = accepted, want %q", tc.name, tc.want)
			}
			got := strings.Split(err.Error(), "\n")
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Check(%s) lines mismatch (-want +got):\n%s", tc.name, diff)
			}
		})
	}
}

func mustCompose(t *testing.T, p kds.TCBParts) uint64 {
	t.Helper()
	v, err := kds.ComposeTCBParts(p)
	if err != nil {
		t.Fatal(err)
	}
	return uint64(v)
}

// TestCheckSignature: a report changed after signing, or checked against
// AMD's real roots, is refused; other fields are still reported.
func TestCheckSignature(t *testing.T) {
	s := verdicttest.NewSigner(t)
	report, certs := s.Sign(t, verdicttest.Report{ReportData: verdict.ReportData(nonce), Measurement: good})
	tampered := bytes.Clone(report)
	tampered[0x90] ^= 1
	for _, tc := range []struct {
		name   string
		report []byte
		opts   verdict.Options
		want   string
	}{
		{"tampered", tampered, verdict.Options{TrustedRoots: s.Roots(), Now: verdicttest.Now},
			"signature: report signature verification error: x509: ECDSA verification failure"},
		{"AMD's roots", report, verdict.Options{Now: verdicttest.Now}, "signature: VCEK could not be verified by any trusted roots"},
		{"roots from PEM, tampered", tampered, verdict.Options{TrustedRoots: mustRoots(t, s.RootsPEM()), Now: verdicttest.Now},
			"signature: report signature verification error: x509: ECDSA verification failure"},
	} {
		_, err := verdict.Check(attestation(t, tc.report, certs), tc.opts)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("Check(%s) error = %v, want one line starting %q", tc.name, err, tc.want)
		}
	}
	if _, err := verdict.Check(attestation(t, report, certs), verdict.Options{TrustedRoots: mustRoots(t, s.RootsPEM()), Now: verdicttest.Now}); err != nil {
		t.Errorf("Check(roots from PEM) error = %v, want nil", err)
	}
	if _, err := verdict.Check(&pb.Attestation{}, verdict.Options{}); err == nil || err.Error() != "report: missing" {
		t.Errorf("Check(empty attestation) error = %v, want report: missing", err)
	}
}

func mustRoots(t *testing.T, pem []byte) map[string][]*trust.AMDRootCerts {
	t.Helper()
	r, err := verdict.ParseRoots(pem)
	if err != nil {
		t.Fatalf("ParseRoots() error = %v", err)
	}
	return r
}

func TestParseRoots(t *testing.T) {
	s := verdicttest.NewSigner(t)
	r := mustRoots(t, s.RootsPEM())
	if got := r["Milan"]; len(got) != 1 || !got[0].ProductCerts.Ark.Equal(s.Ark) || !got[0].ProductCerts.Ask.Equal(s.Ask) {
		t.Errorf("ParseRoots(fake ASK, ARK) = %v, want the fake Milan ARK and ASK", r)
	}
	for _, in := range [][]byte{nil, []byte("junk"), s.RootsPEM()[:100]} {
		if _, err := verdict.ParseRoots(in); err == nil || !strings.HasPrefix(err.Error(), "parsing AMD root certificates: ") {
			t.Errorf("ParseRoots(%.20q) error = %v, want a parse error", in, err)
		}
	}
}

func TestValidate(t *testing.T) {
	s := verdicttest.NewSigner(t)
	report, certs := s.Sign(t, verdicttest.Report{Measurement: good, VMPL: 3})
	att := attestation(t, report, certs)
	if err := verdict.Validate(att, &verdict.Policy{VMPL: ptr(3), Measurements: []verdict.Hex{other, good}}); err != nil {
		t.Errorf("Validate(good) error = %v", err)
	}
	want := "vmpl 3, want 0\nmeasurement " + hex.EncodeToString(good) + " not in the policy's measurements (1 entries)"
	if err := verdict.Validate(att, &verdict.Policy{Measurements: []verdict.Hex{other}}); err == nil || err.Error() != want {
		t.Errorf("Validate(bad) error = %v, want %q", err, want)
	}
}

func ptr(v int) *int { return &v }
