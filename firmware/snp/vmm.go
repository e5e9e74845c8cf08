package snp

import (
	"fmt"
	"strings"
)

// VMMType is the hypervisor whose launch sequence is modelled. The zero value is QEMU.
type VMMType int

// Supported VMM types.
const (
	// VMMQEMU is upstream QEMU ≥ 9.1 with KVM_X86_SNP_VM (the reference vectors).
	VMMQEMU VMMType = iota
	// VMMEC2 is AWS EC2 as modelled by sev-snp-measure: the CPUID page is measured
	// after all other sections and the VMSA differs (RDX 0x600, no MXCSR/FCW,
	// other segment attributes). No stored vectors: checked against a live
	// sev-snp-measure by TestOracle when one is available.
	VMMEC2
)

// String returns the name sev-snp-measure uses ("QEMU", "ec2").
func (v VMMType) String() string {
	switch v {
	case VMMQEMU:
		return "QEMU"
	case VMMEC2:
		return "ec2"
	}
	return fmt.Sprintf("VMMType(%d)", int(v))
}

// ParseVMMType parses "QEMU" or "ec2" (case-insensitive). GCE is not supported: its
// VMSA GPA and register state are GCE-specific.
func ParseVMMType(s string) (VMMType, error) {
	switch strings.ToLower(s) {
	case "qemu":
		return VMMQEMU, nil
	case "ec2":
		return VMMEC2, nil
	}
	return 0, fmt.Errorf("unknown VMM type %q (want QEMU or ec2)", s)
}
