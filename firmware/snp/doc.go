// Package snp computes the AMD SEV-SNP launch digest (the attestation report's
// MEASUREMENT) of a QEMU guest started with an OVMF image on -bios and, optionally,
// direct boot with kernel-hashes=on (-kernel/-initrd/-append).
//
// The digest is a chain of SHA-384 hashes over PAGE_INFO structures, one per page
// the VMM hands to SNP_LAUNCH_UPDATE, in this order: every page of the firmware
// image; the OVMF SEV metadata sections in table order (zero, secrets, CPUID,
// SVSM calling-area and kernel-hashes pages); one VMSA page per vCPU. PAGE_INFO and
// the page types are those of AMD's SEV Secure Nested Paging Firmware ABI
// specification (SNP_LAUNCH_UPDATE); the update order, the kernel-hashes table and
// the VMSA contents are what QEMU (target/i386/sev.c) and KVM hand to the firmware.
// It uses only the standard library; the result agrees bit for bit with
// virtee/sev-snp-measure (--mode snp) on Manx's reference vectors
// (firmware/snp/testdata/vectors, whose README gives their provenance).
//
// Measure computes one digest; Table computes a matrix of vCPU counts × vCPU types
// for the same firmware and boot inputs, WriteJSON writes it deterministically and
// Describe prints it for humans.
package snp
