package attest

import (
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-sev-guest/verify/trust"

	"manx/userland/attest/verdict"
)

// FWCfgMeasurement is the QEMU fw_cfg item the snp profile hands the
// expected launch digest in, and DefaultMeasurementPath where the kernel
// (CONFIG_FW_CFG_SYSFS) shows it. The digest covers the kernel, initrd and
// command line, so it cannot travel inside any of them; fw_cfg is not
// measured. The host supplies it, so a match shows that the AMD-signed
// report carries the digest the operator precomputed, not that the host is
// honest: a relying party compares the report with its own expectation.
const (
	FWCfgMeasurement       = "opt/manx/snp-measurement"
	DefaultMeasurementPath = "/sys/firmware/qemu_fw_cfg/by_name/" + FWCfgMeasurement + "/raw"
)

// DefaultPolicyPath is where attest looks for a relying-party policy file
// (manx/userland/attest/verdict) when --policy-file is not given; without a
// file there, no policy file is applied.
const DefaultPolicyPath = "/etc/manx/snp-policy.json"

// Exit statuses of CLI.Run.
const (
	ExitOK     = 0
	ExitFail   = 1 // a check failed; the verdict line names it
	ExitUsage  = 2 // bad command line
	ExitNotSNP = 3 // neither configfs-tsm (sev_guest) nor /dev/sev-guest
)

// randomNonceSize is the nonce length used when the caller gives none.
const randomNonceSize = 32

// CLI is the attest command with its environment injected.
type CLI struct {
	// Open returns the quote provider; the command uses attest.Open.
	Open func() (QuoteProvider, error)
	// Rand supplies a nonce when --nonce is not given (crypto/rand in the command).
	Rand io.Reader
	// PolicyPath replaces DefaultPolicyPath (tests).
	PolicyPath string
	// TrustedRoots and Now are passed to Options (tests).
	TrustedRoots map[string][]*trust.AMDRootCerts
	Now          time.Time
}

// Run parses args, attests and prints one verdict line on stdout:
//
//	attest: OK measurement=<hex>
//	attest: FAIL <check>: got <x>, want <y>
//	attest: not an SEV-SNP guest
//
// (one FAIL line per failing check when several fail).
// Usage errors go to stderr. It returns the exit status.
func (c CLI) Run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("attest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	nonceHex := fs.String("nonce", "", "caller nonce in hex; REPORT_DATA = SHA-512(nonce). Default: 32 random bytes")
	mPath := fs.String("measurement-file", DefaultMeasurementPath, "file holding the expected MEASUREMENT in hex")
	mHex := fs.String("measurement", "", "expected MEASUREMENT in hex (overrides --measurement-file)")
	policy := fs.String("policy", "", "exact guest policy expected, hex or decimal (default: any policy without debug)")
	allowDebug := fs.Bool("allow-debug", false, "accept a policy that allows debugging")
	defaultPolicy := c.PolicyPath
	if defaultPolicy == "" {
		defaultPolicy = DefaultPolicyPath
	}
	policyFile := fs.String("policy-file", defaultPolicy, "relying-party policy file (JSON: minimum_tcb, vmpl, allow_debug, allow_migration_agent, chip_ids, measurements); the default path is optional")
	fetch := fs.Bool("fetch-certs", false, "allow fetching missing certificates from AMD KDS over the network")
	if err := fs.Parse(args); err != nil {
		return ExitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "attest: unexpected argument %q\n", fs.Arg(0))
		return ExitUsage
	}
	policyFileSet := false
	fs.Visit(func(f *flag.Flag) { policyFileSet = policyFileSet || f.Name == "policy-file" })
	opts := Options{AllowDebug: *allowDebug, FetchCerts: *fetch, TrustedRoots: c.TrustedRoots, Now: c.Now}
	if *policy != "" {
		p, err := strconv.ParseUint(*policy, 0, 64)
		if err != nil {
			fmt.Fprintf(stderr, "attest: --policy %q: want a 64-bit number\n", *policy)
			return ExitUsage
		}
		opts.Policy = &p
	}
	if *nonceHex != "" {
		n, err := hex.DecodeString(*nonceHex)
		if err != nil || len(n) == 0 {
			fmt.Fprintf(stderr, "attest: --nonce %q: want non-empty hex\n", *nonceHex)
			return ExitUsage
		}
		opts.Nonce = n
	}

	qp, err := c.Open()
	if errors.Is(err, ErrNotSNPGuest) {
		fmt.Fprintln(stdout, "attest: not an SEV-SNP guest")
		return ExitNotSNP
	}
	if err != nil {
		return fail(stdout, &CheckError{Check: "report", Err: err})
	}
	if opts.Nonce == nil {
		opts.Nonce = make([]byte, randomNonceSize)
		if _, err := io.ReadFull(c.Rand, opts.Nonce); err != nil {
			return fail(stdout, fmt.Errorf("nonce: %w", err))
		}
	}
	m := []byte(*mHex)
	if *mHex == "" {
		if m, err = os.ReadFile(*mPath); err != nil {
			return fail(stdout, fmt.Errorf("expected measurement: %w", err))
		}
	}
	if opts.Measurement, err = ParseMeasurement(m); err != nil {
		return fail(stdout, fmt.Errorf("expected measurement: %w", err))
	}
	if _, err := os.Stat(*policyFile); err == nil || policyFileSet {
		if opts.Rules, err = verdict.Load(*policyFile); err != nil {
			return fail(stdout, err)
		}
	}
	res, err := Attest(qp, opts)
	if err != nil {
		return fail(stdout, err)
	}
	fmt.Fprintf(stdout, "attest: OK measurement=%x\n", res.Measurement)
	return ExitOK
}

// fail prints one FAIL line per line of err (errors.Join of several checks).
func fail(w io.Writer, err error) int {
	for _, line := range strings.Split(err.Error(), "\n") {
		fmt.Fprintf(w, "attest: FAIL %s\n", line)
	}
	return ExitFail
}
