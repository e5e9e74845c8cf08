package snp

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"manx/firmware/snp/snptest"
)

// oracle returns the command line of virtee/sev-snp-measure: $SEV_SNP_MEASURE (split
// on spaces, e.g. "python3 /src/sev-snp-measure/sev-snp-measure.py") or
// sev-snp-measure on PATH. It skips the test when neither is available.
func oracle(t *testing.T) []string {
	t.Helper()
	if env := strings.Fields(os.Getenv("SEV_SNP_MEASURE")); len(env) > 0 {
		return env
	}
	p, err := exec.LookPath("sev-snp-measure")
	if err != nil {
		t.Skip("sev-snp-measure not found (set SEV_SNP_MEASURE or put it on PATH); the stored vectors are checked by TestVectors")
	}
	return []string{p}
}

// TestOracle compares Measure with a live run of sev-snp-measure over every vCPU
// type and the VMM types, boot modes and feature values both implement.
func TestOracle(t *testing.T) {
	cmd := oracle(t)
	dir := snptest.Dir(t)
	fw := snptest.ReadFile(t, "OVMF.amdsev.fd")
	kernel := snptest.ReadFile(t, "kernel.bin")
	initrd := snptest.ReadFile(t, "initrd.img")
	type variant struct {
		vcpus    int
		features uint64
		direct   bool
		vmm      VMMType
	}
	var cases []struct {
		typ string
		v   variant
	}
	for _, typ := range VCPUTypes() {
		cases = append(cases, struct {
			typ string
			v   variant
		}{typ, variant{2, 0x1, true, VMMQEMU}})
	}
	for _, v := range []variant{{1, 0x1, false, VMMQEMU}, {5, 0x21, true, VMMQEMU}, {3, 0x1, false, VMMEC2}, {2, 0x21, true, VMMEC2}} {
		cases = append(cases, struct {
			typ string
			v   variant
		}{"EPYC-Rome", v})
	}
	for _, c := range cases {
		name := fmt.Sprintf("%s/%d/%#x/direct=%v/%v", c.typ, c.v.vcpus, c.v.features, c.v.direct, c.v.vmm)
		t.Run(name, func(t *testing.T) {
			in := Inputs{Firmware: fw, VCPUs: c.v.vcpus, VCPUType: c.typ, GuestFeatures: c.v.features, VMM: c.v.vmm}
			args := append(cmd[1:], "--mode", "snp", fmt.Sprintf("--vcpus=%d", c.v.vcpus), "--vcpu-type="+c.typ,
				fmt.Sprintf("--guest-features=%#x", c.v.features), "--vmm-type="+c.v.vmm.String(),
				"--ovmf="+filepath.Join(dir, "OVMF.amdsev.fd"))
			if c.v.direct {
				in.Kernel, in.Initrd, in.Cmdline = kernel, initrd, "console=ttyS0 quiet"
				args = append(args, "--kernel="+filepath.Join(dir, "kernel.bin"), "--initrd="+filepath.Join(dir, "initrd.img"), "--append=console=ttyS0 quiet")
			}
			out, err := exec.Command(cmd[0], args...).Output()
			if err != nil {
				t.Fatalf("sev-snp-measure %q: %v", args, err)
			}
			got, err := Measure(in)
			if err != nil {
				t.Fatalf("Measure(%s) error = %v", name, err)
			}
			if want := strings.TrimSpace(string(out)); got.String() != want {
				t.Errorf("Measure(%s) = %s, want %s (sev-snp-measure)", name, got, want)
			}
		})
	}
}
