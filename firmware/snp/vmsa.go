package snp

import "encoding/binary"

// VMSAGPA is the guest-physical address KVM passes for every VMSA page: the −1 GPA,
// page-aligned and truncated to 48 bits (KVM's INITIAL_VMSA_GPA).
const VMSAGPA = 0xFFFFFFFFF000

// bspResetAddr is where the bootstrap processor starts: the x86 reset vector.
const bspResetAddr = 0xFFFFFFF0

// Offsets into the VMSA (AMD APM vol. 2, table B-4, "VMSA layout"; Linux
// struct sev_es_save_area). Segment registers use the VMCB layout
// u16 selector, u16 attrib, u32 limit, u64 base.
const (
	vmsaES           = 0x000
	vmsaCS           = 0x010
	vmsaSS           = 0x020
	vmsaDS           = 0x030
	vmsaFS           = 0x040
	vmsaGS           = 0x050
	vmsaGDTR         = 0x060
	vmsaLDTR         = 0x070
	vmsaIDTR         = 0x080
	vmsaTR           = 0x090
	vmsaEFER         = 0x0D0
	vmsaCR4          = 0x148
	vmsaCR0          = 0x158
	vmsaDR7          = 0x160
	vmsaDR6          = 0x168
	vmsaRFLAGS       = 0x170
	vmsaRIP          = 0x178
	vmsaGPAT         = 0x268
	vmsaRDX          = 0x310
	vmsaSEVFeatures  = 0x3B0
	vmsaXCR0         = 0x3E8
	vmsaMXCSR        = 0x408
	vmsaX87FCW       = 0x410
	efferSVME        = 0x1000     // KVM sets EFER.SVME
	cr4MCE           = 0x40       // KVM sets CR4.MCE
	cr0ET            = 0x10       // CR0 after reset
	dr7Reset         = 0x400      // DR7 after reset
	dr6Reset         = 0xFFFF0FF0 // DR6 after reset
	rflagsReset      = 0x2        // RFLAGS after reset
	gPATDefault      = 0x0007040600070406
	xcr0Reset        = 0x1
	mxcsrReset       = 0x1F80 // set by KVM for KVM_X86_SNP_VM
	fcwReset         = 0x037F // set by KVM for KVM_X86_SNP_VM
	ec2RDX           = 0x600
	attrData         = 0x93 // present, writable, accessed data segment
	attrCode         = 0x9B // present, readable, accessed code segment
	attrLDT          = 0x82
	attrTSS          = 0x8B
	ec2AttrBSPCode   = 0x9A
	ec2AttrStack     = 0x92
	ec2AttrTSS       = 0x83
	resetCSSelector  = 0xF000
	resetSegmentSize = 0xFFFF
)

// vmsaRegs are the register values that differ between VMM types.
type vmsaRegs struct {
	csAttr, ssAttr, trAttr uint16
	rdx                    uint64
	mxcsr                  uint32
	fcw                    uint16
}

func regsFor(vmm VMMType, resetAddr, sig uint32) vmsaRegs {
	if vmm == VMMEC2 {
		r := vmsaRegs{csAttr: attrCode, ssAttr: ec2AttrStack, trAttr: ec2AttrTSS, rdx: ec2RDX}
		if resetAddr == bspResetAddr {
			r.csAttr = ec2AttrBSPCode
		}
		return r
	}
	return vmsaRegs{csAttr: attrCode, ssAttr: attrData, trAttr: attrTSS, rdx: uint64(sig), mxcsr: mxcsrReset, fcw: fcwReset}
}

// vmsaPage returns the initial VMSA of a vCPU that starts at resetAddr (CS base
// resetAddr&0xFFFF0000, RIP resetAddr&0xFFFF) with vCPU signature sig and the
// given SEV_FEATURES.
func vmsaPage(vmm VMMType, resetAddr, sig uint32, features uint64) *[pageSize]byte {
	var p [pageSize]byte
	le := binary.LittleEndian
	seg := func(off int, sel, attr uint16, base uint64) {
		le.PutUint16(p[off:], sel)
		le.PutUint16(p[off+2:], attr)
		le.PutUint32(p[off+4:], resetSegmentSize)
		le.PutUint64(p[off+8:], base)
	}
	r := regsFor(vmm, resetAddr, sig)
	seg(vmsaES, 0, attrData, 0)
	seg(vmsaCS, resetCSSelector, r.csAttr, uint64(resetAddr&0xFFFF0000))
	seg(vmsaSS, 0, r.ssAttr, 0)
	seg(vmsaDS, 0, attrData, 0)
	seg(vmsaFS, 0, attrData, 0)
	seg(vmsaGS, 0, attrData, 0)
	seg(vmsaGDTR, 0, 0, 0)
	seg(vmsaLDTR, 0, attrLDT, 0)
	seg(vmsaIDTR, 0, 0, 0)
	seg(vmsaTR, 0, r.trAttr, 0)
	le.PutUint64(p[vmsaEFER:], efferSVME)
	le.PutUint64(p[vmsaCR4:], cr4MCE)
	le.PutUint64(p[vmsaCR0:], cr0ET)
	le.PutUint64(p[vmsaDR7:], dr7Reset)
	le.PutUint64(p[vmsaDR6:], dr6Reset)
	le.PutUint64(p[vmsaRFLAGS:], rflagsReset)
	le.PutUint64(p[vmsaRIP:], uint64(resetAddr&0xFFFF))
	le.PutUint64(p[vmsaGPAT:], gPATDefault)
	le.PutUint64(p[vmsaRDX:], r.rdx)
	le.PutUint64(p[vmsaSEVFeatures:], features)
	le.PutUint64(p[vmsaXCR0:], xcr0Reset)
	le.PutUint32(p[vmsaMXCSR:], r.mxcsr)
	le.PutUint16(p[vmsaX87FCW:], r.fcw)
	return &p
}
