package ovmf

import (
	"encoding/binary"
	"fmt"
	"io"
)

// SectionType is the type of an SEV metadata section (edk2 OvmfPkg/ResetVector,
// "SEV_DESC_TYPE_*"); it tells the VMM how to pre-validate the range.
type SectionType uint32

// Section types known to QEMU and sev-snp-measure.
const (
	// SectionSNPSecMem is memory the VMM pre-validates as zero pages.
	SectionSNPSecMem SectionType = 1
	// SectionSNPSecrets is the SNP secrets page.
	SectionSNPSecrets SectionType = 2
	// SectionCPUID is the SNP CPUID page.
	SectionCPUID SectionType = 3
	// SectionSVSMCAA is the SVSM calling-area page.
	SectionSVSMCAA SectionType = 4
	// SectionSNPKernelHashes is the page that holds the kernel/initrd/cmdline hash
	// table for measured direct boot (AmdSevX64 builds only).
	SectionSNPKernelHashes SectionType = 0x10
)

var sectionNames = map[SectionType]string{
	SectionSNPSecMem:       "SNP_SEC_MEM",
	SectionSNPSecrets:      "SNP_SECRETS",
	SectionCPUID:           "CPUID",
	SectionSVSMCAA:         "SVSM_CAA",
	SectionSNPKernelHashes: "SNP_KERNEL_HASHES",
}

// String returns the edk2 name of t, or "unknown(0x…)".
func (t SectionType) String() string {
	if s, ok := sectionNames[t]; ok {
		return s
	}
	return fmt.Sprintf("unknown(%#x)", uint32(t))
}

// Section is one SEV metadata descriptor: a guest-physical range and its type.
type Section struct {
	GPA  uint32
	Size uint32
	Type SectionType
}

// Metadata is the SEV metadata block ("ASEV") of an image.
type Metadata struct {
	// Offset is the file offset of the "ASEV" header.
	Offset  int64
	Version uint32
	// Sections are the descriptors in table order (the order the VMM processes them).
	Sections []Section
}

const (
	metadataSignature  = "ASEV"
	metadataHeaderSize = 16
	descriptorSize     = 12
	metadataVersion    = 1
)

// parseMetadata reads the SEV metadata whose header starts dist bytes before the end
// of an image of the given size.
func parseMetadata(r io.ReaderAt, size int64, dist uint32) (*Metadata, error) {
	off := size - int64(dist)
	if dist == 0 || off < 0 || off+metadataHeaderSize > size {
		return nil, fmt.Errorf("header at %#x bytes before the end lies outside the %d-byte image", dist, size)
	}
	head, err := readAt(r, off, metadataHeaderSize)
	if err != nil {
		return nil, fmt.Errorf("reading header: %w", err)
	}
	if sig := string(head[:4]); sig != metadataSignature {
		return nil, fmt.Errorf("signature %q at offset %#x, want %q", sig, off, metadataSignature)
	}
	length := int64(binary.LittleEndian.Uint32(head[4:]))
	version := binary.LittleEndian.Uint32(head[8:])
	count := int64(binary.LittleEndian.Uint32(head[12:]))
	if version != metadataVersion {
		return nil, fmt.Errorf("version %d, want %d", version, metadataVersion)
	}
	if length < metadataHeaderSize || off+length > size {
		return nil, fmt.Errorf("length %d at offset %#x does not fit the %d-byte image", length, off, size)
	}
	if count > (length-metadataHeaderSize)/descriptorSize {
		return nil, fmt.Errorf("%d descriptors do not fit in length %d", count, length)
	}
	body, err := readAt(r, off+metadataHeaderSize, count*descriptorSize)
	if err != nil {
		return nil, fmt.Errorf("reading descriptors: %w", err)
	}
	md := &Metadata{Offset: off, Version: version, Sections: make([]Section, count)}
	for i := range md.Sections {
		d := body[i*descriptorSize:]
		md.Sections[i] = Section{
			GPA:  binary.LittleEndian.Uint32(d),
			Size: binary.LittleEndian.Uint32(d[4:]),
			Type: SectionType(binary.LittleEndian.Uint32(d[8:])),
		}
	}
	return md, nil
}
