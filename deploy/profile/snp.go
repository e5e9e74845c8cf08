package profile

import "time"

// snpAppend is the SEV-SNP guest's command line. The launch measurement
// covers it, so it is spelled out here, in the one file of this package
// the measurement table (catalog.SNPMeasurements) is made from: editing
// the rest of the matrix does not touch that artefact.
const snpAppend = "console=ttyS0 panic=-1 manx.test=shell manx.cmd=/bin/attest"

// SNPProfile is the SEV-SNP guest; it comes last because on hosts without
// SNP its check only computes the expected measurement (which needs the
// AmdSev firmware, the slowest build).
func SNPProfile() Profile {
	return Profile{
		ID: "snp", Summary: "SEV-SNP guest: AmdSev OVMF, measured direct boot (kernel hashes), attest in the guest; needs an SNP host",
		Machine: MachineQ35, Firmware: FirmwareAmdSev, Boot: BootKernel, Initramfs: true, Display: DisplayNone,
		Append: snpAppend,
		SNP:    &SNP{VCPUType: "EPYC-v4", VCPUs: 1},
		Expect: []string{MarkerUserland, "attest: OK"}, Timeout: 180 * time.Second,
	}
}
