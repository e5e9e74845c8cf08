package vm

import (
	"bytes"
	"errors"
	"fmt"
	"os"

	"manx/catalog"
	"manx/deploy/profile"
	"manx/firmware/snp"
)

// ErrNoSNP marks a profile that needs SEV-SNP hardware.
var ErrNoSNP = errors.New("profile snp needs an AMD SEV-SNP host")

// SNPHost reports whether this machine can launch SEV-SNP guests.
func SNPHost() bool {
	b, err := os.ReadFile("/sys/module/kvm_amd/parameters/sev_snp")
	if err != nil {
		return false
	}
	v := string(bytes.TrimSpace(b))
	_, kvm := os.Stat("/dev/kvm")
	return (v == "Y" || v == "1") && kvm == nil
}

// SNPInputs are exactly the files under buildDir and the command line the
// snp profile gives QEMU, with its vCPU count and type.
func SNPInputs(buildDir string) (snp.Inputs, error) {
	p, err := profile.Find("snp")
	if err != nil {
		return snp.Inputs{}, err
	}
	var in snp.Inputs
	for _, f := range []struct {
		art catalog.Artefact
		dst *[]byte
	}{{catalog.OVMFAmdSev, &in.Firmware}, {catalog.Kernel, &in.Kernel}, {catalog.Initramfs, &in.Initrd}} {
		b, err := os.ReadFile(f.art.In(buildDir))
		if err != nil {
			return snp.Inputs{}, err
		}
		*f.dst = b
	}
	in.Cmdline = p.Append
	in.VCPUs, in.VCPUType = p.SNP.VCPUs, p.SNP.VCPUType
	return in, nil
}

// expectedMeasurement is the launch digest of the snp profile's inputs,
// which QEMU hands to the guest in fw_cfg.
func expectedMeasurement(buildDir string) (string, error) {
	in, err := SNPInputs(buildDir)
	if err != nil {
		return "", err
	}
	d, err := snp.Measure(in)
	if err != nil {
		return "", err
	}
	return d.String(), nil
}

// refuseSNP explains why an SNP profile cannot run here, with the launch
// measurement the guest would carry.
func refuseSNP(measurement string, p profile.Profile) error {
	return fmt.Errorf("%w: this host has no SEV-SNP (kvm_amd sev_snp is not Y); the guest's expected MEASUREMENT would be %s (vCPUs %d, %s)",
		ErrNoSNP, measurement, p.SNP.VCPUs, p.SNP.VCPUType)
}
