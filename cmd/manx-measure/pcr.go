package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"manx/tpm/eventlog"
	"manx/tpm/pcr"
)

// runPCR is manx-measure pcr. With --uki and --vars it prints the
// predicted PCRs 4, 7, 9 and 11:
//
//	pcrN sha256 <hex>
//
// and with --explain every predicted event after them, one per line. With
// --eventlog it replays the log instead and prints every PCR the log
// extends (with --explain, every log event); given --uki and --vars too, it
// then compares the log with the prediction PCR by PCR and prints
//
//	pcrN: log matches the prediction
//
// or the first event that differs, and exits 1 when any PCR differs.
func runPCR(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("manx-measure pcr", flag.ContinueOnError)
	fs.SetOutput(stderr)
	ukiPath := fs.String("uki", "", "the UKI as booted (signed, as on the ESP)")
	varsPath := fs.String("vars", "", "the var store OVMF booted with (raw .fd, or uefi-vars .json)")
	phases := fs.String("phases", "", "comma-separated boot phases the OS extends into PCR 11 (e.g. enter-initrd,ready)")
	logPath := fs.String("eventlog", "", "firmware event log (binary_bios_measurements) to replay and compare")
	explain := fs.Bool("explain", false, "print every event, one per line")
	if err := fs.Parse(args); err != nil {
		return exitUsage
	}
	usage := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "manx-measure pcr: "+format+"\n", a...)
		fs.Usage()
		return exitUsage
	}
	predict := *ukiPath != "" || *varsPath != ""
	switch {
	case fs.NArg() > 0:
		return usage("unexpected argument %q", fs.Arg(0))
	case predict && (*ukiPath == "" || *varsPath == ""):
		return usage("--uki and --vars go together")
	case !predict && *logPath == "":
		return usage("give --uki and --vars, --eventlog, or all three")
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "manx-measure pcr: %v\n", err)
		return exitError
	}
	var p *pcr.Prediction
	if predict {
		in, err := pcr.ReadInputs(*ukiPath, *varsPath, eventlog.SHA256)
		if err != nil {
			return fail(err)
		}
		if *phases != "" {
			in.Phases = strings.Split(*phases, ",")
		}
		if p, err = pcr.Predict(in); err != nil {
			return fail(err)
		}
	}
	if *logPath == "" {
		if err := p.WriteValues(stdout, eventlog.SHA256); err != nil {
			return fail(err)
		}
		if *explain {
			if err := p.Describe(stdout); err != nil {
				return fail(err)
			}
		}
		return exitOK
	}
	l, err := eventlog.ReadFile(*logPath)
	if err != nil {
		return fail(err)
	}
	values, err := eventlog.Replay(l, eventlog.SHA256)
	if err != nil {
		return fail(err)
	}
	var pcrs []int
	for n := range values {
		pcrs = append(pcrs, n)
	}
	slices.Sort(pcrs)
	for _, n := range pcrs {
		fmt.Fprintf(stdout, "pcr%d sha256 %x\n", n, values[n])
	}
	if *explain {
		if err := eventlog.Describe(stdout, l); err != nil {
			return fail(err)
		}
	}
	if p == nil {
		return exitOK
	}
	code := exitOK
	for _, n := range pcr.PCRs {
		err := pcr.Compare(p.Events, l, n)
		var m *pcr.Mismatch
		switch {
		case err == nil:
			fmt.Fprintf(stdout, "pcr%d: log matches the prediction\n", n)
		case errors.As(err, &m):
			fmt.Fprintf(stdout, "pcr%d: differs: %v\n", n, err)
			code = exitError
		default:
			return fail(err)
		}
	}
	return code
}
