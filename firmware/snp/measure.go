package snp

import (
	"bytes"
	"errors"
	"fmt"

	"manx/firmware/ovmf"
)

// DefaultGuestFeatures is the SEV_FEATURES value of an upstream QEMU ≥ 9.1 guest on
// a host with Linux ≥ 6.10 (SNPActive only), sev-snp-measure's default.
const DefaultGuestFeatures uint64 = 0x1

// MaxVCPUs bounds Inputs.VCPUs (KVM_MAX_VCPUS on x86-64).
const MaxVCPUs = 4096

// firmwareAlign is the granularity QEMU requires of a -bios image.
const firmwareAlign = 64 << 10

// ErrNoKernelHashes reports a kernel given with firmware whose SEV metadata lacks an
// SNP_KERNEL_HASHES section (any OVMF build other than OvmfPkg/AmdSev/AmdSevX64).
var ErrNoKernelHashes = errors.New("kernel specified but OVMF metadata doesn't include an SNP_KERNEL_HASHES section (measured direct boot needs an AmdSevX64 build)")

// Inputs describe one SEV-SNP launch.
type Inputs struct {
	// Firmware is the whole -bios image.
	Firmware []byte
	// Kernel, when non-nil, selects measured direct boot (kernel-hashes=on) and is
	// the -kernel file exactly as given to QEMU. Nil means firmware-only.
	Kernel []byte
	// Initrd is the -initrd file; nil or empty means none. Used only with Kernel.
	Initrd []byte
	// Cmdline is the -append string (QEMU adds the trailing NUL); "" means none.
	// Used only with Kernel.
	Cmdline string
	// VCPUs is the number of vCPUs at launch (-smp), at least 1.
	VCPUs int
	// VCPUType is a QEMU -cpu model such as "EPYC-Milan" (see VCPUTypes); it
	// selects the vCPU signature put into each VMSA.
	VCPUType string
	// VCPUSig is the vCPU signature (CPUID Fn0000_0001 EAX) for models not in
	// VCPUTypes, e.g. -cpu host. If VCPUType is also set they must agree.
	VCPUSig uint32
	// GuestFeatures is SEV_FEATURES; 0 means DefaultGuestFeatures. Bit 0
	// (SNPActive) must be set.
	GuestFeatures uint64
	// VMM is the hypervisor modelled; the zero value is QEMU.
	VMM VMMType
}

// Measure returns the launch digest of in.
func Measure(in Inputs) (Digest, error) {
	l, err := newLaunch(in)
	if err != nil {
		return Digest{}, fmt.Errorf("measuring SEV-SNP launch: %w", err)
	}
	sig, err := in.signature()
	if err != nil {
		return Digest{}, fmt.Errorf("measuring SEV-SNP launch: %w", err)
	}
	d, err := l.digest(in.VCPUs, sig)
	if err != nil {
		return Digest{}, fmt.Errorf("measuring SEV-SNP launch: %w", err)
	}
	return d, nil
}

// OVMFHash returns the launch digest after the firmware pages only, the value
// sev-snp-measure --mode snp:ovmf-hash prints.
func OVMFHash(firmware []byte) (Digest, error) {
	if err := checkFirmwareSize(len(firmware)); err != nil {
		return Digest{}, fmt.Errorf("hashing OVMF: %w", err)
	}
	var c chain
	c.measuredPages(PageNormal, ovmf.FourGiB-uint64(len(firmware)), firmware)
	return c.ld, nil
}

func checkFirmwareSize(n int) error {
	switch {
	case n == 0:
		return errors.New("firmware image is empty")
	case n%firmwareAlign != 0:
		return fmt.Errorf("firmware size %d is not a multiple of 64 KiB (QEMU -bios requires it)", n)
	case uint64(n) >= ovmf.FourGiB:
		return fmt.Errorf("firmware size %d does not fit below 4 GiB", n)
	}
	return nil
}

// signature resolves the vCPU signature from VCPUType and VCPUSig.
func (in Inputs) signature() (uint32, error) {
	if in.VCPUType != "" {
		sig, err := VCPUSignature(in.VCPUType)
		if err != nil {
			return 0, err
		}
		if in.VCPUSig != 0 && in.VCPUSig != sig {
			return 0, fmt.Errorf("vCPU signature %#x contradicts vCPU type %s (%#x)", in.VCPUSig, in.VCPUType, sig)
		}
		return sig, nil
	}
	if in.VCPUSig == 0 && in.VMM == VMMQEMU {
		return 0, errors.New("no vCPU type or signature given")
	}
	return in.VCPUSig, nil
}

// launch holds everything of a launch that does not depend on the vCPU count and
// type, so that tables reuse the firmware hash.
type launch struct {
	vmm       VMMType
	features  uint64
	sections  []ovmf.Section
	resetAddr uint32
	boot      *BootHashes // nil: firmware-only
	tableOff  uint32      // offset of the hash table in the kernel-hashes section
	fwLD      Digest      // launch digest after the firmware pages
	trace     func(update)
}

func newLaunch(in Inputs) (*launch, error) {
	if err := checkFirmwareSize(len(in.Firmware)); err != nil {
		return nil, err
	}
	switch in.VMM {
	case VMMQEMU, VMMEC2:
	default:
		return nil, fmt.Errorf("unsupported VMM type %v", in.VMM)
	}
	l := &launch{vmm: in.VMM, features: in.GuestFeatures}
	if l.features == 0 {
		l.features = DefaultGuestFeatures
	}
	if l.features&1 == 0 {
		return nil, fmt.Errorf("guest features %#x lack SNPActive (bit 0)", l.features)
	}
	img, err := ovmf.Parse(bytes.NewReader(in.Firmware), int64(len(in.Firmware)))
	if err != nil {
		return nil, err
	}
	if l.sections, err = img.Sections(); err != nil {
		return nil, fmt.Errorf("firmware is not SEV-SNP capable: %w", err)
	}
	if l.resetAddr, err = img.ResetAddress(); err != nil {
		return nil, fmt.Errorf("firmware is not SEV-SNP capable: %w", err)
	}
	if err := l.checkSections(); err != nil {
		return nil, err
	}
	if in.Kernel != nil {
		if !img.HasSection(ovmf.SectionSNPKernelHashes) {
			return nil, ErrNoKernelHashes
		}
		area, err := img.HashTable()
		if err != nil {
			return nil, fmt.Errorf("kernel specified: %w", err)
		}
		if area.Size < hashTablePadded {
			return nil, fmt.Errorf("kernel specified: SEV hash table area at %#x is %d bytes, want at least %d", area.GPA, area.Size, hashTablePadded)
		}
		l.tableOff = area.GPA & (pageSize - 1)
		for _, s := range l.sections {
			if s.Type == ovmf.SectionSNPKernelHashes && uint64(l.tableOff)+hashTablePadded > uint64(s.Size) {
				return nil, fmt.Errorf("kernel specified: hash table at offset %#x does not fit the %d-byte SNP_KERNEL_HASHES section at %#x", l.tableOff, s.Size, s.GPA)
			}
		}
		h := HashBoot(in.Kernel, in.Initrd, in.Cmdline)
		l.boot = &h
	}
	var c chain
	c.measuredPages(PageNormal, img.BaseGPA(), in.Firmware)
	l.fwLD = c.ld
	return l, nil
}

// checkSections rejects section types QEMU does not know and ranges it could not
// pre-validate.
func (l *launch) checkSections() error {
	for i, s := range l.sections {
		switch s.Type {
		case ovmf.SectionSNPSecMem, ovmf.SectionSNPSecrets, ovmf.SectionCPUID, ovmf.SectionSVSMCAA, ovmf.SectionSNPKernelHashes:
		default:
			return fmt.Errorf("SEV metadata section %d (GPA %#x): unknown type %v", i, s.GPA, s.Type)
		}
		if s.GPA%pageSize != 0 || s.Size%pageSize != 0 {
			return fmt.Errorf("SEV metadata section %d (%v): GPA %#x or size %#x is not page-aligned", i, s.Type, s.GPA, s.Size)
		}
		if uint64(s.GPA)+uint64(s.Size) > ovmf.FourGiB {
			return fmt.Errorf("SEV metadata section %d (%v): GPA %#x + size %#x runs past 4 GiB", i, s.Type, s.GPA, s.Size)
		}
	}
	return nil
}

// digest finishes the launch for vcpus vCPUs with signature sig.
func (l *launch) digest(vcpus int, sig uint32) (Digest, error) {
	if vcpus < 1 || vcpus > MaxVCPUs {
		return Digest{}, fmt.Errorf("vCPU count %d is outside 1..%d", vcpus, MaxVCPUs)
	}
	c := chain{ld: l.fwLD, trace: l.trace}
	l.metadataPages(&c)
	bsp := Digest(sha512Sum384(vmsaPage(l.vmm, bspResetAddr, sig, l.features)))
	c.extend(PageVMSA, VMSAGPA, &bsp)
	if vcpus > 1 {
		ap := Digest(sha512Sum384(vmsaPage(l.vmm, l.resetAddr, sig, l.features)))
		for range vcpus - 1 {
			c.extend(PageVMSA, VMSAGPA, &ap)
		}
	}
	return c.ld, nil
}

// metadataPages measures the SEV metadata sections in table order (not GPA order).
func (l *launch) metadataPages(c *chain) {
	for _, s := range l.sections {
		gpa, size := uint64(s.GPA), uint64(s.Size)
		switch s.Type {
		case ovmf.SectionSNPSecMem, ovmf.SectionSVSMCAA:
			c.emptyPages(PageZero, gpa, size)
		case ovmf.SectionSNPSecrets:
			c.emptyPages(PageSecrets, gpa, pageSize)
		case ovmf.SectionCPUID:
			if l.vmm != VMMEC2 {
				c.emptyPages(PageCPUID, gpa, pageSize)
			}
		case ovmf.SectionSNPKernelHashes:
			if l.boot == nil {
				c.emptyPages(PageZero, gpa, size)
				continue
			}
			page := make([]byte, size)
			t := l.boot.table()
			copy(page[l.tableOff:], t[:])
			c.measuredPages(PageNormal, gpa, page)
		}
	}
	if l.vmm == VMMEC2 {
		// EC2 measures the CPUID page(s) after all other sections.
		for _, s := range l.sections {
			if s.Type == ovmf.SectionCPUID {
				c.emptyPages(PageCPUID, uint64(s.GPA), pageSize)
			}
		}
	}
}
