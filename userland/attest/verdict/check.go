package verdict

import (
	"bytes"
	"crypto/sha512"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/go-sev-guest/abi"
	"github.com/google/go-sev-guest/kds"
	pb "github.com/google/go-sev-guest/proto/sevsnp"
	"github.com/google/go-sev-guest/validate"
	"github.com/google/go-sev-guest/verify"
	"github.com/google/go-sev-guest/verify/trust"
)

// ReportData returns the REPORT_DATA that binds a report to nonce: SHA-512(nonce).
func ReportData(nonce []byte) [abi.ReportDataSize]byte { return sha512.Sum512(nonce) }

// Expected is one accepted launch digest and a name for it (e.g. "EPYC-Milan, 2 vCPUs").
type Expected struct {
	Measurement []byte
	Name        string
}

// Options say what Check accepts besides the policy.
type Options struct {
	// Policy is the relying party's policy; nil is the zero policy.
	Policy *Policy
	// Nonce, if not nil, must be bound into REPORT_DATA as SHA-512(Nonce).
	Nonce []byte
	// Measurements are accepted launch digests (with Policy.Measurements). If
	// both are empty, MEASUREMENT is not checked.
	Measurements []Expected
	// TrustedRoots replaces go-sev-guest's embedded AMD root certificates.
	TrustedRoots map[string][]*trust.AMDRootCerts
	// FetchCerts allows fetching missing certificates from AMD's key distribution
	// service through Getter (nil: go-sev-guest's default). Offline otherwise.
	FetchCerts bool
	Getter     trust.HTTPSGetter
	// Now is the time at which certificates must be valid (zero: the system clock).
	Now time.Time
}

// Result describes an accepted report.
type Result struct {
	Report *pb.Report
	// Match is the expected launch digest MEASUREMENT matched (zero if unchecked).
	Match Expected
}

// Check decides on an attestation (a report with its certificate chain): the
// signature chain (go-sev-guest's verify), the nonce, the measurement and
// Validate. It returns errors.Join of one line per failing field, the
// signature first; fields are still checked when the signature fails, but such
// a report proves nothing.
func Check(att *pb.Attestation, opts Options) (*Result, error) {
	if att.GetReport() == nil {
		return nil, errors.New("report: missing")
	}
	var errs []error
	vopts := &verify.Options{
		DisableCertFetching: !opts.FetchCerts,
		Getter:              opts.Getter,
		TrustedRoots:        opts.TrustedRoots,
		Now:                 opts.Now,
	}
	if err := verify.SnpAttestation(att, vopts); err != nil {
		errs = append(errs, fmt.Errorf("signature: %w", err))
	}
	r := att.GetReport()
	if opts.Nonce != nil {
		if want := ReportData(opts.Nonce); !bytes.Equal(r.GetReportData(), want[:]) {
			errs = append(errs, fmt.Errorf("report_data %x does not match nonce %x (want sha512(nonce) = %x)", r.GetReportData(), opts.Nonce, want))
		}
	}
	res := &Result{Report: r}
	expected := slices.Clone(opts.Measurements)
	for _, m := range opts.Policy.measurements() {
		expected = append(expected, Expected{Measurement: m, Name: "policy"})
	}
	if len(expected) > 0 {
		i := slices.IndexFunc(expected, func(e Expected) bool { return bytes.Equal(e.Measurement, r.GetMeasurement()) })
		if i < 0 {
			errs = append(errs, fmt.Errorf("measurement %x not in table (%d launch digests)", r.GetMeasurement(), len(expected)))
		} else {
			res.Match = expected[i]
		}
	}
	errs = append(errs, validateFields(att, opts.Policy, false)...)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return res, nil
}

// Validate checks the report's own fields against p (nil: the zero policy):
// guest policy bits, VMPL, minimum TCB, CHIP_ID allow-list, p.Measurements,
// and, through go-sev-guest's validate, the TCB relationships and CHIP_ID
// against the VCEK certificate, which must be in att's certificate chain. It
// checks neither the signature nor REPORT_DATA. The error joins one line per
// failing field.
func Validate(att *pb.Attestation, p *Policy) error {
	return errors.Join(validateFields(att, p, true)...)
}

func (p *Policy) measurements() []Hex {
	if p == nil {
		return nil
	}
	return p.Measurements
}

// validateFields returns one error per failing field; withMeasurements adds
// the check of p.Measurements (Check does it together with the caller's table).
func validateFields(att *pb.Attestation, p *Policy, withMeasurements bool) []error {
	if p == nil {
		p = &Policy{}
	}
	r := att.GetReport()
	var errs []error
	gp, gpErr := abi.ParseSnpPolicy(r.GetPolicy())
	if err := gpErr; err != nil {
		errs = append(errs, fmt.Errorf("policy: %#x: %w", r.GetPolicy(), err))
	} else {
		if gp.Debug && !p.AllowDebug {
			errs = append(errs, errors.New("policy: debug allowed (guest policy bit 19)"))
		}
		if gp.MigrateMA && !p.AllowMigrationAgent {
			errs = append(errs, errors.New("policy: migration agent allowed (guest policy bit 18)"))
		}
	}
	if want := p.WantVMPL(); r.GetVmpl() != uint32(want) {
		errs = append(errs, fmt.Errorf("vmpl %d, want %d", r.GetVmpl(), want))
	}
	if got := TCB(r.GetReportedTcb()); !kds.TCBPartsLE(p.MinimumTCB.Parts(), got.Parts()) {
		errs = append(errs, fmt.Errorf("reported TCB %v below minimum %v", got, p.MinimumTCB))
	}
	if len(p.ChipIDs) > 0 && !slices.ContainsFunc(p.ChipIDs, func(c Hex) bool { return bytes.Equal(c, r.GetChipId()) }) {
		errs = append(errs, fmt.Errorf("chip_id %x not in the policy's chip_ids (%d entries)", r.GetChipId(), len(p.ChipIDs)))
	}
	if withMeasurements && len(p.Measurements) > 0 &&
		!slices.ContainsFunc(p.Measurements, func(m Hex) bool { return bytes.Equal(m, r.GetMeasurement()) }) {
		errs = append(errs, fmt.Errorf("measurement %x not in the policy's measurements (%d entries)", r.GetMeasurement(), len(p.Measurements)))
	}
	// go-sev-guest's validate, for what Manx does not check above: the guest
	// policy is allowed everything (checked above, one line per bit), and
	// VMPL, REPORT_DATA, MEASUREMENT, CHIP_ID and the minimum TCB are left out.
	vopts := &validate.Options{
		GuestPolicy: abi.SnpPolicy{SMT: true, MigrateMA: true, Debug: true, CXLAllowed: true},
	}
	if err := validate.SnpAttestation(att, vopts); err != nil {
		for _, e := range split(err) {
			if gpErr != nil && strings.HasPrefix(e.Error(), "could not parse SNP policy") {
				continue // reported above
			}
			errs = append(errs, fmt.Errorf("validate: %w", e))
		}
	}
	return errs
}

// split returns the errors a multi-error (go-sev-guest uses multierr) holds.
func split(err error) []error {
	if m, ok := err.(interface{ Unwrap() []error }); ok {
		return m.Unwrap()
	}
	return []error{err}
}

// ParseRoots reads trusted AMD roots in the format of AMD's key distribution
// service (https://kdsintf.amd.com/vcek/v1/<product>/cert_chain: the ASK, then
// the ARK, PEM-encoded), for Options.TrustedRoots. The product line comes from
// the ARK's common name (ARK-Milan, ARK-Genoa, …).
func ParseRoots(data []byte) (map[string][]*trust.AMDRootCerts, error) {
	r := &trust.AMDRootCerts{}
	if err := r.FromKDSCertBytes(data); err != nil {
		return nil, fmt.Errorf("parsing AMD root certificates: %w", err)
	}
	if r.ProductCerts.Ark == nil || r.ProductCerts.Ask == nil && r.ProductCerts.Asvk == nil {
		return nil, errors.New("parsing AMD root certificates: want an ASK (or ASVK) and an ARK certificate")
	}
	line, ok := strings.CutPrefix(r.ProductCerts.Ark.Subject.CommonName, "ARK-")
	if !ok || line == "" {
		return nil, fmt.Errorf("parsing AMD root certificates: ARK common name %q, want ARK-<product line>", r.ProductCerts.Ark.Subject.CommonName)
	}
	r.Product, r.ProductLine = line, line
	return map[string][]*trust.AMDRootCerts{line: {r}}, nil
}
