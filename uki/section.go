package uki

import "manx/uki/internal/pe"

// Section names systemd-stub looks up (docs/uki-and-measured-boot.md §1.1).
const (
	SectionOSRel   = ".osrel"
	SectionCmdline = ".cmdline"
	SectionUname   = ".uname"
	SectionInitrd  = ".initrd"
	SectionSBAT    = ".sbat"
	SectionLinux   = ".linux"
	// SectionPCRPKey is the PEM public key (SPKI) whose signatures in
	// .pcrsig vouch for expected PCR 11 values; measured into PCR 11.
	SectionPCRPKey = ".pcrpkey"
	// SectionPCRSig is systemd's JSON of PCR 11 policy signatures; never
	// measured (it cannot cover itself).
	SectionPCRSig = ".pcrsig"
)

// payload is one section to write.
type payload struct {
	name string
	data []byte
}

// order returns the sections of s in the order ukify 254 make_uki appends them
// (.osrel, .cmdline, .dtb, .uname, .splash, .pcrpkey, .initrd, extras, .sbat, .pcrsig,
// .linux), restricted to the sections Spec has. Do not rearrange: the order decides the
// virtual addresses and hence the image bytes; .linux stays last to leave the kernel
// room to decompress. Empty optional sections are left out, as ukify does; sbat is the
// merged .sbat text, which replaces the stub's own .sbat in place.
func order(s Spec, sbat []byte) []payload {
	all := []payload{
		{SectionOSRel, []byte(s.OSRelease)},
		{SectionCmdline, []byte(s.Cmdline)},
		{SectionUname, []byte(s.Uname)},
		{SectionPCRPKey, s.PCRPKey},
		{SectionInitrd, s.Initrd},
		{SectionSBAT, sbat},
		{SectionPCRSig, s.PCRSig},
		{SectionLinux, s.Linux},
	}
	out := all[:0]
	for _, p := range all {
		if len(p.data) > 0 {
			out = append(out, p)
		}
	}
	return out
}

// characteristics returns the PE section flags ukify sets: code for .linux (old kernels
// using the EFI handover protocol execute in place), read-only data for the rest.
func characteristics(name string) uint32 {
	if name == SectionLinux {
		return pe.CharacteristicsCode
	}
	return pe.CharacteristicsReadOnly
}
