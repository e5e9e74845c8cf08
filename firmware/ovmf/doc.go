// Package ovmf reads the SEV-related tables that an OVMF firmware image carries
// near its end: the footer GUID table, the SEV metadata ("ASEV") with its list of
// sections, the SEV-ES reset block (the AP reset address) and the SEV hash-table
// area used for measured direct boot.
//
// The image is read through an io.ReaderAt and its size, so callers can parse a file
// without loading it. Nothing is hard-coded: every address comes from the image. The
// layouts follow edk2's OvmfPkg/ResetVector (edk2-stable202502) and are described
// byte by byte in Manx's docs (shared/docs/snp.md §1.5).
package ovmf
