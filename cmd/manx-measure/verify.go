package main

import (
	"bytes"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/google/go-sev-guest/abi"

	"manx/firmware/snp"
	"manx/userland/attest/verdict"
)

// verifyNow is the time certificates must be valid at (zero: the system clock); tests set it.
var verifyNow time.Time

// runVerifyReport is manx-measure verify-report: it checks an attestation
// report file offline and prints
//
//	verify-report: OK measurement=<hex> (<table row>)
//
// or one "verify-report: FAIL <field>" line per failing field (exit 1).
func runVerifyReport(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("manx-measure verify-report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	reportPath := fs.String("report", "", "attestation report (configfs-tsm outblob, 1184 bytes, or the report with its certificate table appended) (required)")
	certsPath := fs.String("certs", "", "certificate table (configfs-tsm auxblob / extended-report certificates: ARK, ASK, VCEK)")
	policyPath := fs.String("policy", "", "policy file (JSON; default: the zero policy: VMPL 0, no debug, no migration agent, any TCB)")
	tablePath := fs.String("table", "", "launch-digest table (build/measure/snp.json); MEASUREMENT must be in it or in the policy's measurements")
	nonceHex := fs.String("nonce", "", "nonce in hex the report was requested with; REPORT_DATA must be SHA-512(nonce) (required)")
	rootsPath := fs.String("roots", "", "trusted AMD ASK+ARK in PEM (KDS cert_chain format; default: go-sev-guest's embedded AMD roots)")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	usage := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "manx-measure verify-report: "+format+"\n", a...)
		fs.Usage()
		return exitUsage
	}
	switch {
	case fs.NArg() > 0:
		return usage("unexpected argument %q", fs.Arg(0))
	case *reportPath == "":
		return usage("missing --report")
	case *nonceHex == "":
		return usage("missing --nonce")
	}
	nonce, err := hex.DecodeString(*nonceHex)
	if err != nil || len(nonce) == 0 {
		return usage("--nonce %q: want non-empty hex", *nonceHex)
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "manx-measure verify-report: %v\n", err)
		return exitError
	}
	opts := verdict.Options{Nonce: nonce, Now: verifyNow}
	if *policyPath != "" {
		if opts.Policy, err = verdict.Load(*policyPath); err != nil {
			return fail(err)
		}
	}
	if *tablePath != "" {
		if opts.Measurements, err = readTable(*tablePath); err != nil {
			return fail(err)
		}
	}
	if len(opts.Measurements) == 0 && (opts.Policy == nil || len(opts.Policy.Measurements) == 0) {
		return usage("no expected measurements: give --table or a --policy with measurements")
	}
	if *rootsPath != "" {
		b, err := os.ReadFile(*rootsPath)
		if err != nil {
			return fail(err)
		}
		if opts.TrustedRoots, err = verdict.ParseRoots(b); err != nil {
			return fail(fmt.Errorf("%s: %w", *rootsPath, err))
		}
	}
	raw, err := os.ReadFile(*reportPath)
	if err != nil {
		return fail(err)
	}
	if len(raw) < abi.ReportSize {
		return fail(fmt.Errorf("%s: %d bytes, want an attestation report of %d", *reportPath, len(raw), abi.ReportSize))
	}
	if *certsPath != "" {
		if len(raw) > abi.ReportSize {
			return fail(fmt.Errorf("%s has a certificate table appended; --certs %s would replace it", *reportPath, *certsPath))
		}
		certs, err := os.ReadFile(*certsPath)
		if err != nil {
			return fail(err)
		}
		raw = append(raw, certs...)
	}
	if len(raw) == abi.ReportSize {
		return fail(fmt.Errorf("%s has no certificate table: give --certs (verify-report does not contact AMD)", *reportPath))
	}
	att, err := abi.ReportCertsToProto(raw)
	if err != nil {
		return fail(fmt.Errorf("parsing %s: %w", *reportPath, err))
	}
	res, err := verdict.Check(att, opts)
	if err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintf(stdout, "verify-report: FAIL %s\n", line)
		}
		return exitError
	}
	fmt.Fprintf(stdout, "verify-report: OK measurement=%x (%s)\n", res.Report.GetMeasurement(), res.Match.Name)
	return exitOK
}

// readTable reads a launch-digest table and names its rows.
func readTable(path string) ([]verdict.Expected, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	rows, err := snp.ReadJSON(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: %w", path, errors.New("empty table"))
	}
	out := make([]verdict.Expected, len(rows))
	for i, r := range rows {
		out[i] = verdict.Expected{
			Measurement: bytes.Clone(r.Measurement[:]),
			Name:        fmt.Sprintf("%s table: vcpu_type=%s vcpus=%d guest_features=%s", path, r.VCPUType, r.VCPUs, r.GuestFeatures),
		}
	}
	return out, nil
}
