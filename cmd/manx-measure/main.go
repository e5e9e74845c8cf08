// Command manx-measure prints the AMD SEV-SNP launch digest (MEASUREMENT) of a QEMU
// guest, computed by manx/firmware/snp. Its flags mirror virtee/sev-snp-measure:
//
//	manx-measure --ovmf OVMF.amdsev.fd --kernel vmlinuz --initrd initrd.img \
//	    --append 'console=ttyS0' --vcpus 2 --vcpu-type EPYC-Milan [--guest-features 0x21] [--vmm-type QEMU]
//
// prints the digest in hex and a newline. --mode snp:ovmf-hash prints the digest
// after the firmware pages only. Errors go to stderr with a non-zero exit status
// (2 for usage errors, 1 otherwise).
//
// manx-measure verify-report checks an attestation report offline, as a relying
// party does (manx/userland/attest/verdict):
//
//	manx-measure verify-report --report R --certs C --nonce HEX \
//	    [--policy P] [--table build/measure/snp.json] [--roots ask_ark.pem]
//
// R is the raw report (configfs-tsm outblob; or the report with its
// certificate table appended, then without --certs), C the certificate table
// (auxblob), P the policy file, the table the launch digests the pipeline
// wrote. It prints "verify-report: OK measurement=<hex> (<row>)", or one
// "verify-report: FAIL <field>" line per failing field and exits 1.
//
// manx-measure pcr predicts the TPM PCRs 4, 7, 9 and 11 a UKI boot under
// OVMF extends (manx/tpm/pcr), replays a firmware event log
// (manx/tpm/eventlog), or both, naming the first event where they part:
//
//	manx-measure pcr --uki uki.efi --vars OVMF_VARS.fd [--phases enter-initrd,ready] [--explain]
//	manx-measure pcr --eventlog binary_bios_measurements [--uki uki.efi --vars OVMF_VARS.fd] [--explain]
//
// Values print as "pcrN sha256 <hex>"; --explain adds every event, one per
// line. A log that differs from the prediction exits 1.
package main

import (
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
