// Package ovmf reads the SEV-related tables that an OVMF firmware image carries
// near its end: the footer GUID table, the SEV metadata ("ASEV") with its list of
// sections, the SEV-ES reset block (the AP reset address) and the SEV hash-table
// area used for measured direct boot.
//
// The image is read through an io.ReaderAt and its size, so callers can parse a file
// without loading it. Nothing is hard-coded: every address comes from the image. The
// layouts follow edk2's OvmfPkg/ResetVector (edk2-stable202502): the GUID table ends
// 32 bytes before the end of the image with a footer entry (u16 total length, footer
// GUID); each entry before it is data, a u16 length (data + 18) and a GUID, read
// backwards; the SEV metadata entry gives the distance from the end of the image to
// the "ASEV" header (signature, length, version 1, count) and its 12-byte section
// descriptors (u32 GPA, size, type). Integers are little-endian.
package ovmf
