package attest

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/google/go-sev-guest/abi"
	pb "github.com/google/go-sev-guest/proto/sevsnp"
	"github.com/google/go-sev-guest/verify"
	"github.com/google/go-sev-guest/verify/trust"

	"manx/userland/attest/verdict"
)

// Options say what a report must show.
type Options struct {
	// Nonce is bound into REPORT_DATA as SHA-512(Nonce). Required.
	Nonce []byte
	// Measurement is the expected launch digest (48 bytes). Required.
	Measurement []byte
	// Policy, if set, is the exact guest policy expected.
	Policy *uint64
	// AllowDebug accepts a policy that allows the host to debug (decrypt) the guest.
	// Ignored when Rules is set (Rules.AllowDebug decides).
	AllowDebug bool
	// Rules, if set, is a relying-party policy file (manx/userland/attest/verdict)
	// the report is also validated against: minimum TCB, VMPL, debug and
	// migration agent, CHIP_ID allow-list, measurements, and go-sev-guest's
	// TCB consistency checks.
	Rules *verdict.Policy
	// TrustedRoots replaces go-sev-guest's embedded AMD root certificates (tests).
	TrustedRoots map[string][]*trust.AMDRootCerts
	// FetchCerts allows fetching missing certificates from AMD's key distribution
	// service over the network, through Getter (nil: go-sev-guest's default).
	FetchCerts bool
	Getter     trust.HTTPSGetter
	// Now is the time at which certificates must be valid; the zero value lets
	// go-sev-guest use the system clock.
	Now time.Time
}

// Result is a report that passed every check.
type Result struct {
	Measurement []byte
	Report      *pb.Report
}

// CheckError is a failed check: its name and either the value found and the value
// wanted, or the underlying error.
type CheckError struct {
	// Check is "report", "signature", "report data", "measurement" or "policy".
	Check     string
	Got, Want string
	Err       error
}

func (e *CheckError) Error() string {
	if e.Err != nil {
		return e.Check + ": " + e.Err.Error()
	}
	return fmt.Sprintf("%s: got %s, want %s", e.Check, e.Got, e.Want)
}

func (e *CheckError) Unwrap() error { return e.Err }

// Attest gets a report bound to opts.Nonce from qp and checks it against opts.
func Attest(qp QuoteProvider, opts Options) (*Result, error) {
	if len(opts.Nonce) == 0 {
		return nil, errors.New("attesting: empty nonce")
	}
	if len(opts.Measurement) != MeasurementSize {
		return nil, fmt.Errorf("attesting: expected measurement has %d bytes, want %d", len(opts.Measurement), MeasurementSize)
	}
	rd := ReportData(opts.Nonce)
	raw, err := qp.GetRawQuote(rd)
	if err != nil {
		return nil, &CheckError{Check: "report", Err: fmt.Errorf("getting attestation report: %w", err)}
	}
	return Check(raw, opts)
}

// Check verifies a raw report (with its certificate table appended, as
// QuoteProvider returns it) against opts.
func Check(raw []byte, opts Options) (*Result, error) {
	att, err := abi.ReportCertsToProto(raw)
	if err != nil {
		return nil, &CheckError{Check: "report", Err: fmt.Errorf("parsing attestation report: %w", err)}
	}
	vopts := &verify.Options{
		DisableCertFetching: !opts.FetchCerts,
		Getter:              opts.Getter,
		TrustedRoots:        opts.TrustedRoots,
		Now:                 opts.Now,
	}
	if err := verify.SnpAttestation(att, vopts); err != nil {
		return nil, &CheckError{Check: "signature", Err: err}
	}
	r := att.GetReport()
	var errs []error
	if want := ReportData(opts.Nonce); !bytes.Equal(r.GetReportData(), want[:]) {
		errs = append(errs, &CheckError{Check: "report data", Got: hex.EncodeToString(r.GetReportData()), Want: hex.EncodeToString(want[:]) + " (sha512 of nonce " + hex.EncodeToString(opts.Nonce) + ")"})
	}
	if !bytes.Equal(r.GetMeasurement(), opts.Measurement) {
		errs = append(errs, &CheckError{Check: "measurement", Got: hex.EncodeToString(r.GetMeasurement()), Want: hex.EncodeToString(opts.Measurement)})
	}
	if err := checkPolicy(r.GetPolicy(), opts); err != nil {
		errs = append(errs, err)
	}
	if opts.Rules != nil {
		if err := verdict.Validate(att, opts.Rules); err != nil {
			lines := []error{err}
			if m, ok := err.(interface{ Unwrap() []error }); ok {
				lines = m.Unwrap()
			}
			for _, e := range lines {
				errs = append(errs, &CheckError{Check: "policy file", Err: e})
			}
		}
	}
	switch len(errs) {
	case 0:
		return &Result{Measurement: r.GetMeasurement(), Report: r}, nil
	case 1:
		return nil, errs[0]
	}
	return nil, errors.Join(errs...)
}

func checkPolicy(got uint64, opts Options) error {
	if opts.Policy != nil && got != *opts.Policy {
		return &CheckError{Check: "policy", Got: fmt.Sprintf("%#x", got), Want: fmt.Sprintf("%#x", *opts.Policy)}
	}
	p, err := abi.ParseSnpPolicy(got)
	if err != nil {
		return &CheckError{Check: "policy", Err: fmt.Errorf("%#x: %w", got, err)}
	}
	if p.Debug && !opts.AllowDebug && opts.Rules == nil {
		return &CheckError{Check: "policy", Got: fmt.Sprintf("%#x (debug allowed)", got), Want: "debug disallowed (bit 19 clear)"}
	}
	return nil
}
