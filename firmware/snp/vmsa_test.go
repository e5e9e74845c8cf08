package snp

import (
	"encoding/binary"
	"testing"
)

func TestVMSAPageQEMU(t *testing.T) {
	const sig, features, reset = 0x00800F12, 0x21, 0x0080B004
	bsp := vmsaPage(VMMQEMU, bspResetAddr, sig, features)
	ap := vmsaPage(VMMQEMU, reset, sig, features)

	// Little-endian fields of the BSP's VMSA as QEMU and KVM set them for an SNP guest
	// (offset, width, value): EFER.SVME, CR4.MCE, CR0.ET, DR7, DR6, RFLAGS, RIP 0xfff0,
	// G_PAT, RDX = CPUID signature, SEV_FEATURES, XCR0, MXCSR, x87 FCW, CS base.
	for _, f := range []struct {
		off, width int
		want       uint64
	}{
		{0x0D0, 8, 0x1000}, {0x148, 8, 0x40}, {0x158, 8, 0x10}, {0x160, 8, 0x400},
		{0x168, 8, 0xFFFF0FF0}, {0x170, 8, 0x2}, {0x178, 8, 0xFFF0}, {0x268, 8, 0x0007040600070406},
		{0x310, 8, sig}, {0x3B0, 8, features}, {0x3E8, 8, 0x1}, {0x408, 4, 0x1F80}, {0x410, 2, 0x037F},
		{0x018, 8, 0xFFFF0000},
	} {
		var got uint64
		switch f.width {
		case 8:
			got = binary.LittleEndian.Uint64(bsp[f.off:])
		case 4:
			got = uint64(binary.LittleEndian.Uint32(bsp[f.off:]))
		case 2:
			got = uint64(binary.LittleEndian.Uint16(bsp[f.off:]))
		}
		if got != f.want {
			t.Errorf("BSP VMSA[%#x] = %#x, want %#x", f.off, got, f.want)
		}
	}
	// Segment qwords as quoted in the trace of vector 57.
	for _, s := range []struct {
		off  int
		want string
	}{
		{0x000, "00009300ffff0000"}, {0x010, "00f09b00ffff0000"}, {0x018, "0000ffff00000000"},
		{0x020, "00009300ffff0000"}, {0x030, "00009300ffff0000"}, {0x040, "00009300ffff0000"}, {0x050, "00009300ffff0000"},
		{0x060, "00000000ffff0000"}, {0x070, "00008200ffff0000"}, {0x080, "00000000ffff0000"}, {0x090, "00008b00ffff0000"},
	} {
		if got := hexOf(bsp[s.off : s.off+8]); got != s.want {
			t.Errorf("BSP VMSA[%#x:+8] = %s, want %s", s.off, got, s.want)
		}
	}
	// The AP differs only in CS base and RIP.
	var diff []int
	for i := range bsp {
		if bsp[i] != ap[i] {
			diff = append(diff, i)
		}
	}
	for _, i := range diff {
		if !(i >= 0x018 && i < 0x020) && !(i >= 0x178 && i < 0x180) {
			t.Errorf("AP VMSA differs from BSP at %#x, want only CS base (0x18) and RIP (0x178)", i)
		}
	}
	if got := hexOf(ap[0x018:0x020]); got != "0000800000000000" {
		t.Errorf("AP VMSA CS base = %s, want 0000800000000000", got)
	}
	if got := binary.LittleEndian.Uint64(ap[0x178:]); got != 0xB004 {
		t.Errorf("AP VMSA RIP = %#x, want 0xb004", got)
	}
	// Nothing else is set: count non-zero bytes past the last field.
	for i := 0x412; i < pageSize; i++ {
		if bsp[i] != 0 {
			t.Fatalf("BSP VMSA[%#x] = %#x, want 0", i, bsp[i])
		}
	}
}

func TestVMSAPageEC2(t *testing.T) {
	bsp := vmsaPage(VMMEC2, bspResetAddr, 0x00A00F11, 1)
	ap := vmsaPage(VMMEC2, 0x0080B004, 0x00A00F11, 1)
	for _, tc := range []struct {
		name string
		page *[pageSize]byte
		off  int
		want string
	}{
		{"BSP CS", bsp, 0x010, "00f09a00ffff0000"},
		{"AP CS", ap, 0x010, "00f09b00ffff0000"},
		{"SS", bsp, 0x020, "00009200ffff0000"},
		{"TR", bsp, 0x090, "00008300ffff0000"},
		{"RDX", bsp, 0x310, "0006000000000000"},
		{"MXCSR", bsp, 0x408, "00000000"},
		{"FCW", bsp, 0x410, "0000"},
	} {
		n := 8
		switch tc.name {
		case "MXCSR":
			n = 4
		case "FCW":
			n = 2
		}
		if got := hexOf(tc.page[tc.off : tc.off+n]); got != tc.want {
			t.Errorf("EC2 %s = %s, want %s", tc.name, got, tc.want)
		}
	}
}
