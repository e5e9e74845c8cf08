package attest

import (
	"encoding/hex"
	"errors"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestAttest(t *testing.T) {
	rd := ReportData(nonce)
	otherRD := ReportData([]byte("an old nonce"))
	replayRD := ReportData([]byte("replay"))
	wrongMeasurement := append([]byte(nil), goodMeasurement...)
	wrongMeasurement[47] ^= 0xff
	qp, roots := fakeSP(t, map[[64]byte]report{
		rd: {reportData: rd, measurement: goodMeasurement, policy: policyNoDebug},
		// A replayed report: asked for SHA-512(replayNonce), answers with an old REPORT_DATA.
		replayRD:                      {reportData: otherRD, measurement: goodMeasurement, policy: policyNoDebug},
		ReportData([]byte("wrong m")): {reportData: ReportData([]byte("wrong m")), measurement: wrongMeasurement, policy: policyNoDebug},
		ReportData([]byte("debug")):   {reportData: ReportData([]byte("debug")), measurement: goodMeasurement, policy: policyDebug},
	})
	base := func(mod func(*Options)) Options {
		o := Options{Nonce: nonce, Measurement: goodMeasurement, TrustedRoots: roots, Now: testNow}
		if mod != nil {
			mod(&o)
		}
		return o
	}
	u := func(v uint64) *uint64 { return &v }
	for _, tc := range []struct {
		name      string
		qp        QuoteProvider
		opts      Options
		wantCheck string // "" for success
		wantErr   string
	}{
		{"good report", qp, base(nil), "", ""},
		{"good report, exact policy", qp, base(func(o *Options) { o.Policy = u(policyNoDebug) }), "", ""},
		{"wrong measurement", qp, base(func(o *Options) { o.Nonce = []byte("wrong m") }), "measurement",
			"measurement: got " + hex.EncodeToString(wrongMeasurement) + ", want " + hex.EncodeToString(goodMeasurement)},
		{"expected measurement differs", qp, base(func(o *Options) { o.Measurement = wrongMeasurement }), "measurement",
			"measurement: got " + hex.EncodeToString(goodMeasurement) + ", want " + hex.EncodeToString(wrongMeasurement)},
		{"wrong nonce (replayed report)", qp, base(func(o *Options) { o.Nonce = []byte("replay") }), "report data",
			"report data: got " + hex.EncodeToString(otherRD[:]) + ", want " + hex.EncodeToString(replayRD[:]) + " (sha512 of nonce " + hex.EncodeToString([]byte("replay")) + ")"},
		{"bad signature", tamper{qp}, base(nil), "signature", "signature: report signature verification error: x509: ECDSA verification failure"},
		{"untrusted roots (AMD's real ARK)", qp, base(func(o *Options) { o.TrustedRoots = nil }), "signature", "signature: VCEK could not be verified by any trusted roots"},
		{"debug policy", qp, base(func(o *Options) { o.Nonce = []byte("debug") }), "policy", "policy: got 0xb0000 (debug allowed), want debug disallowed (bit 19 clear)"},
		{"debug policy allowed", qp, base(func(o *Options) { o.Nonce, o.AllowDebug = []byte("debug"), true }), "", ""},
		{"policy mismatch", qp, base(func(o *Options) { o.Policy = u(0x70000) }), "policy", "policy: got 0x30000, want 0x70000"},
		{"device error", failing{syscall.EIO}, base(nil), "report", "report: getting attestation report: input/output error"},
		{"no answer for nonce", qp, base(func(o *Options) { o.Nonce = []byte("unknown") }), "report", "report: getting attestation report: test error: no response"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Attest(tc.qp, tc.opts)
			if tc.wantCheck == "" {
				if err != nil {
					t.Fatalf("Attest(%s) error = %v, want nil", tc.name, err)
				}
				if !cmp.Equal(res.Measurement, goodMeasurement) {
					t.Errorf("Attest(%s).Measurement = %x, want %x", tc.name, res.Measurement, goodMeasurement)
				}
				return
			}
			var ce *CheckError
			if !errors.As(err, &ce) {
				t.Fatalf("Attest(%s) error = %v, want a *CheckError", tc.name, err)
			}
			if ce.Check != tc.wantCheck || !strings.HasPrefix(err.Error(), tc.wantErr) {
				t.Errorf("Attest(%s) error = %q (check %q), want check %q, prefix %q", tc.name, err, ce.Check, tc.wantCheck, tc.wantErr)
			}
		})
	}
}
