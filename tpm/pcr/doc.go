// Package pcr predicts the PCRs a Manx boot extends, from the files booted:
// the UKI (as signed and written to the ESP) and the OVMF variable store.
//
// One file per PCR, each with a Predict and a Describe function:
//
//   - PCR 4 (pcr4.go): OVMF's boot-manager events and the Authenticode
//     digests of the UKI and, with Secure Boot off, of its kernel;
//   - PCR 7 (pcr7.go): the Secure Boot policy variables and the db entry
//     that verified the UKI;
//   - PCR 9 (pcr9.go): the Linux EFI stub's load options and initrd;
//   - PCR 11 (pcr11.go): systemd-stub 254's sections, then the boot phases
//     the OS extends.
//
// Predict totals them (final values per bank) and Compare names the first
// event where a prediction and a firmware event log (manx/tpm/eventlog)
// part. The boot path is the one Manx's profiles use: OVMF (EDK II
// edk2-stable202511, SMM, pflash var store) boots \EFI\BOOT\BOOTX64.EFI, the
// UKI, from its default boot option; systemd-stub 254 starts Linux 6.12
// through LoadImage with the LINUX_INITRD_MEDIA initrd. Each file cites
// the source it follows; docs/uki-and-measured-boot.md §2 has the rest.
package pcr
