package snp

import (
	"fmt"
	"slices"
	"strings"
)

// CPUSignature returns the CPUID Fn0000_0001 EAX value (family, model, stepping)
// that QEMU puts into RDX of every initial VMSA.
func CPUSignature(family, model, stepping int) uint32 {
	famLo, famHi := family, 0
	if family > 0xf {
		famLo, famHi = 0xf, family-0xf
	}
	return uint32(famHi&0xff)<<20 | uint32(model>>4&0xf)<<16 | uint32(famLo&0xf)<<8 |
		uint32(model&0xf)<<4 | uint32(stepping&0xf)
}

// vcpuTypes maps QEMU -cpu model names to their signatures: the AMD EPYC models of
// QEMU's builtin_x86_defs, as listed by sev-snp-measure v0.0.13
// (sevsnpmeasure/vcpu_types.py). Versioned aliases share their base model's
// family/model/stepping.
var vcpuTypes = map[string]uint32{
	"EPYC":          CPUSignature(23, 1, 2),
	"EPYC-v1":       CPUSignature(23, 1, 2),
	"EPYC-v2":       CPUSignature(23, 1, 2),
	"EPYC-IBPB":     CPUSignature(23, 1, 2),
	"EPYC-v3":       CPUSignature(23, 1, 2),
	"EPYC-v4":       CPUSignature(23, 1, 2),
	"EPYC-Rome":     CPUSignature(23, 49, 0),
	"EPYC-Rome-v1":  CPUSignature(23, 49, 0),
	"EPYC-Rome-v2":  CPUSignature(23, 49, 0),
	"EPYC-Rome-v3":  CPUSignature(23, 49, 0),
	"EPYC-Milan":    CPUSignature(25, 1, 1),
	"EPYC-Milan-v1": CPUSignature(25, 1, 1),
	"EPYC-Milan-v2": CPUSignature(25, 1, 1),
	"EPYC-Genoa":    CPUSignature(25, 17, 0),
	"EPYC-Genoa-v1": CPUSignature(25, 17, 0),
	"EPYC-Turin":    CPUSignature(26, 0, 0),
}

// VCPUTypes returns the known vCPU type names, sorted.
func VCPUTypes() []string {
	names := make([]string, 0, len(vcpuTypes))
	for n := range vcpuTypes {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// VCPUSignature returns the signature of a QEMU vCPU model such as "EPYC-Milan".
// Names are case-sensitive, as in QEMU.
func VCPUSignature(name string) (uint32, error) {
	sig, ok := vcpuTypes[name]
	if !ok {
		return 0, fmt.Errorf("unknown vCPU type %q (known: %s)", name, strings.Join(VCPUTypes(), ", "))
	}
	return sig, nil
}
