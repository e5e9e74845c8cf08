package main

import (
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"manx/firmware/snp"
)

const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// options are the parsed command-line flags.
type options struct {
	mode, ovmf, kernel, initrd, cmdline   string
	vcpus                                 int
	vcpuType, vcpuSig, guestFeatures, vmm string
	family, model, stepping               int
	outputFormat                          string
	set                                   map[string]bool
}

// errUsage marks errors in the command line; run prints usage and exits 2.
var errUsage = errors.New("usage")

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{set: map[string]bool{}}
	fs := flag.NewFlagSet("manx-measure", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.mode, "mode", "snp", "guest mode: snp, or snp:ovmf-hash for the digest after the firmware pages")
	fs.StringVar(&o.ovmf, "ovmf", "", "OVMF image given to QEMU -bios (required)")
	fs.StringVar(&o.kernel, "kernel", "", "kernel given to QEMU -kernel; enables kernel hashes")
	fs.StringVar(&o.initrd, "initrd", "", "initrd given to QEMU -initrd (needs --kernel)")
	fs.StringVar(&o.cmdline, "append", "", "kernel command line given to QEMU -append (needs --kernel)")
	fs.IntVar(&o.vcpus, "vcpus", 0, "number of vCPUs at launch (required in snp mode)")
	fs.StringVar(&o.vcpuType, "vcpu-type", "", "QEMU vCPU model: "+strings.Join(snp.VCPUTypes(), ", "))
	fs.StringVar(&o.vcpuSig, "vcpu-sig", "", "vCPU signature (CPUID 1 EAX), hex or decimal, instead of --vcpu-type")
	fs.IntVar(&o.family, "vcpu-family", 0, "vCPU family, with --vcpu-model and --vcpu-stepping, instead of --vcpu-type")
	fs.IntVar(&o.model, "vcpu-model", 0, "vCPU model (with --vcpu-family)")
	fs.IntVar(&o.stepping, "vcpu-stepping", 0, "vCPU stepping (with --vcpu-family)")
	fs.StringVar(&o.guestFeatures, "guest-features", "0x1", "SEV_FEATURES of the VMSAs, hex or decimal")
	fs.StringVar(&o.vmm, "vmm-type", "QEMU", "VMM type: QEMU or ec2")
	fs.StringVar(&o.outputFormat, "output-format", "hex", "output format: hex or base64")
	if err := fs.Parse(args); err != nil {
		return nil, errUsage // flag has printed the problem and the usage
	}
	fs.Visit(func(f *flag.Flag) { o.set[f.Name] = true })
	fail := func(format string, a ...any) (*options, error) {
		fmt.Fprintf(stderr, "manx-measure: "+format+"\n", a...)
		fs.Usage()
		return nil, errUsage
	}
	switch {
	case fs.NArg() > 0:
		return fail("unexpected argument %q", fs.Arg(0))
	case o.mode != "snp" && o.mode != "snp:ovmf-hash":
		return fail("unsupported --mode %q (want snp or snp:ovmf-hash)", o.mode)
	case o.ovmf == "":
		return fail("missing --ovmf")
	case o.outputFormat != "hex" && o.outputFormat != "base64":
		return fail("unknown --output-format %q (want hex or base64)", o.outputFormat)
	case o.mode == "snp:ovmf-hash":
		return o, nil
	case o.initrd != "" && o.kernel == "":
		return fail("--kernel required when using --initrd")
	case o.set["append"] && o.kernel == "":
		return fail("--kernel required when using --append")
	case !o.set["vcpus"]:
		return fail("missing --vcpus N")
	}
	sigSources := 0
	for _, n := range []string{"vcpu-type", "vcpu-sig", "vcpu-family"} {
		if o.set[n] {
			sigSources++
		}
	}
	if sigSources > 1 {
		return fail("give only one of --vcpu-type, --vcpu-sig and --vcpu-family")
	}
	if o.set["vcpu-family"] && (!o.set["vcpu-model"] || !o.set["vcpu-stepping"]) {
		return fail("--vcpu-family needs --vcpu-model and --vcpu-stepping")
	}
	return o, nil
}

// inputs reads the files and builds the measurement inputs.
func (o *options) inputs() (snp.Inputs, error) {
	var in snp.Inputs
	var err error
	if in.Firmware, err = os.ReadFile(o.ovmf); err != nil {
		return in, err
	}
	if o.mode == "snp:ovmf-hash" {
		return in, nil
	}
	if o.kernel != "" {
		if in.Kernel, err = os.ReadFile(o.kernel); err != nil {
			return in, err
		}
		if o.initrd != "" {
			if in.Initrd, err = os.ReadFile(o.initrd); err != nil {
				return in, err
			}
		}
		in.Cmdline = o.cmdline
	}
	in.VCPUs = o.vcpus
	in.VCPUType = o.vcpuType
	if o.vcpuSig != "" {
		sig, err := strconv.ParseUint(o.vcpuSig, 0, 32)
		if err != nil {
			return in, fmt.Errorf("--vcpu-sig %q: want a 32-bit number, hex or decimal", o.vcpuSig)
		}
		in.VCPUSig = uint32(sig)
	}
	if o.set["vcpu-family"] {
		in.VCPUSig = snp.CPUSignature(o.family, o.model, o.stepping)
	}
	if in.GuestFeatures, err = strconv.ParseUint(o.guestFeatures, 0, 64); err != nil {
		return in, fmt.Errorf("--guest-features %q: want a 64-bit number, hex or decimal", o.guestFeatures)
	}
	if in.GuestFeatures == 0 {
		return in, errors.New("--guest-features 0: bit 0 (SNPActive) must be set")
	}
	if in.VMM, err = snp.ParseVMMType(o.vmm); err != nil {
		return in, fmt.Errorf("--vmm-type: %w", err)
	}
	return in, nil
}

// run is the whole command: it parses args, writes the digest to stdout and
// problems to stderr, and returns the exit status. A first argument
// verify-report or pcr runs that subcommand instead.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "verify-report" {
		return runVerifyReport(args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "pcr" {
		return runPCR(args[1:], stdout, stderr)
	}
	o, err := parseFlags(args, stderr)
	if err != nil {
		return exitUsage
	}
	in, err := o.inputs()
	if err != nil {
		fmt.Fprintf(stderr, "manx-measure: %v\n", err)
		return exitError
	}
	var d snp.Digest
	if o.mode == "snp:ovmf-hash" {
		d, err = snp.OVMFHash(in.Firmware)
	} else {
		d, err = snp.Measure(in)
	}
	if err != nil {
		fmt.Fprintf(stderr, "manx-measure: %v\n", err)
		return exitError
	}
	out := d.String()
	if o.outputFormat == "base64" {
		out = base64.StdEncoding.EncodeToString(d[:])
	}
	if _, err := fmt.Fprintln(stdout, out); err != nil {
		fmt.Fprintf(stderr, "manx-measure: writing the digest: %v\n", err)
		return exitError
	}
	return exitOK
}
