package snp

import (
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"manx/firmware/ovmf"
	"manx/firmware/snp/snptest"
)

// patched returns a copy of the AmdSev firmware with edit applied; edit gets the
// parsed image to find offsets.
func patched(t *testing.T, edit func(fw []byte, img *ovmf.Image)) []byte {
	t.Helper()
	fw := append([]byte(nil), snptest.ReadFile(t, "OVMF.amdsev.fd")...)
	img, err := ovmf.ParseBytes(fw)
	if err != nil {
		t.Fatal(err)
	}
	edit(fw, img)
	return fw
}

// setSection overwrites descriptor i of the SEV metadata.
func setSection(i int, s ovmf.Section) func([]byte, *ovmf.Image) {
	return func(fw []byte, img *ovmf.Image) {
		d := fw[img.Metadata.Offset+16+12*int64(i):]
		binary.LittleEndian.PutUint32(d, s.GPA)
		binary.LittleEndian.PutUint32(d[4:], s.Size)
		binary.LittleEndian.PutUint32(d[8:], uint32(s.Type))
	}
}

// dropEntry corrupts the GUID of a footer-table entry so that it is no longer found.
func dropEntry(g ovmf.GUID) func([]byte, *ovmf.Image) {
	return func(fw []byte, img *ovmf.Image) {
		e, _ := img.Entry(g)
		fw[e.Offset+int64(len(e.Data))+2] ^= 0xff
	}
}

// setEntry overwrites the data of a footer-table entry.
func setEntry(g ovmf.GUID, data ...uint32) func([]byte, *ovmf.Image) {
	return func(fw []byte, img *ovmf.Image) {
		e, _ := img.Entry(g)
		for i, v := range data {
			binary.LittleEndian.PutUint32(fw[e.Offset+4*int64(i):], v)
		}
	}
}

func TestMeasureErrors(t *testing.T) {
	fw := snptest.ReadFile(t, "OVMF.amdsev.fd")
	kernel := []byte("kernel")
	base := func(mod func(*Inputs)) Inputs {
		in := Inputs{Firmware: fw, VCPUs: 2, VCPUType: "EPYC-Milan"}
		mod(&in)
		return in
	}
	kernelHashesIdx := 6 // the last section of the AmdSev image
	tests := []struct {
		name    string
		in      Inputs
		wantErr string
		wantIs  error
	}{
		{"kernel without SNP_KERNEL_HASHES", base(func(in *Inputs) {
			in.Firmware = patched(t, setSection(kernelHashesIdx, ovmf.Section{GPA: 0x810000, Size: 0x1000, Type: ovmf.SectionSNPSecMem}))
			in.Kernel = kernel
		}), "kernel specified but OVMF metadata doesn't include an SNP_KERNEL_HASHES section", ErrNoKernelHashes},
		{"empty firmware", base(func(in *Inputs) { in.Firmware = nil }), "firmware image is empty", nil},
		{"firmware size", base(func(in *Inputs) { in.Firmware = fw[4096:] }), "firmware size 4190208 is not a multiple of 64 KiB", nil},
		{"not OVMF", base(func(in *Inputs) { in.Firmware = make([]byte, 64<<10) }), "no OVMF footer GUID table", ovmf.ErrNoFooterTable},
		{"no SEV metadata", base(func(in *Inputs) { in.Firmware = patched(t, dropEntry(ovmf.GUIDSEVMetadata)) }), "firmware is not SEV-SNP capable: no SEV metadata", ovmf.ErrNoSEVMetadata},
		{"no reset block", base(func(in *Inputs) { in.Firmware = patched(t, dropEntry(ovmf.GUIDSEVESResetBlock)) }), "firmware is not SEV-SNP capable: no SEV-ES reset block", ovmf.ErrNoResetBlock},
		{"unknown section type", base(func(in *Inputs) {
			in.Firmware = patched(t, setSection(4, ovmf.Section{GPA: 0x80f000, Size: 0x1000, Type: 5}))
		}), "SEV metadata section 4 (GPA 0x80f000): unknown type unknown(0x5)", nil},
		{"unaligned section", base(func(in *Inputs) {
			in.Firmware = patched(t, setSection(0, ovmf.Section{GPA: 0x800001, Size: 0x9000, Type: ovmf.SectionSNPSecMem}))
		}), "SEV metadata section 0 (SNP_SEC_MEM): GPA 0x800001 or size 0x9000 is not page-aligned", nil},
		{"section past 4 GiB", base(func(in *Inputs) {
			in.Firmware = patched(t, setSection(0, ovmf.Section{GPA: 0xfffff000, Size: 0x2000, Type: ovmf.SectionSNPSecMem}))
		}), "runs past 4 GiB", nil},
		{"hash table base 0", base(func(in *Inputs) {
			in.Firmware = patched(t, setEntry(ovmf.GUIDSEVHashTable, 0, 0))
			in.Kernel = kernel
		}), "kernel specified: no SEV hash table area in OVMF image", ovmf.ErrNoHashTable},
		{"hash table too small", base(func(in *Inputs) {
			in.Firmware = patched(t, setEntry(ovmf.GUIDSEVHashTable, 0x810c00, 0x10))
			in.Kernel = kernel
		}), "SEV hash table area at 0x810c00 is 16 bytes, want at least 176", nil},
		{"hash table outside section", base(func(in *Inputs) {
			in.Firmware = patched(t, setSection(kernelHashesIdx, ovmf.Section{GPA: 0x810000, Size: 0, Type: ovmf.SectionSNPKernelHashes}))
			in.Kernel = kernel
		}), "hash table at offset 0xc00 does not fit the 0-byte SNP_KERNEL_HASHES section at 0x810000", nil},
		{"features without SNPActive", base(func(in *Inputs) { in.GuestFeatures = 0x20 }), "guest features 0x20 lack SNPActive (bit 0)", nil},
		{"zero vCPUs", base(func(in *Inputs) { in.VCPUs = 0 }), "vCPU count 0 is outside 1..4096", nil},
		{"too many vCPUs", base(func(in *Inputs) { in.VCPUs = MaxVCPUs + 1 }), "vCPU count 4097 is outside 1..4096", nil},
		{"no vCPU type", base(func(in *Inputs) { in.VCPUType = "" }), "no vCPU type or signature given", nil},
		{"unknown vCPU type", base(func(in *Inputs) { in.VCPUType = "EPYC-Zen9" }), `unknown vCPU type "EPYC-Zen9"`, nil},
		{"contradicting signature", base(func(in *Inputs) { in.VCPUSig = 0x00800F12 }), "vCPU signature 0x800f12 contradicts vCPU type EPYC-Milan (0xa00f11)", nil},
		{"unsupported VMM", base(func(in *Inputs) { in.VMM = 9 }), "unsupported VMM type VMMType(9)", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Measure(tc.in)
			if err == nil {
				t.Fatalf("Measure(%s) = %s, want error %q", tc.name, got, tc.wantErr)
			}
			if !strings.HasPrefix(err.Error(), "measuring SEV-SNP launch: ") || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("Measure(%s) error = %q, want it to contain %q", tc.name, err, tc.wantErr)
			}
			if tc.wantIs != nil && !errors.Is(err, tc.wantIs) {
				t.Errorf("Measure(%s) error = %v, want errors.Is %v", tc.name, err, tc.wantIs)
			}
		})
	}
}

// TestMeasureEquivalences checks inputs that must, or must not, give the same digest.
func TestMeasureEquivalences(t *testing.T) {
	fw := snptest.ReadFile(t, "OVMF.amdsev.fd")
	m := func(mod func(*Inputs)) string {
		t.Helper()
		in := Inputs{Firmware: fw, VCPUs: 2, VCPUType: "EPYC-Milan"}
		mod(&in)
		d, err := Measure(in)
		if err != nil {
			t.Fatalf("Measure(%+v) error = %v", in.VCPUType, err)
		}
		return d.String()
	}
	fwOnly := m(func(*Inputs) {})
	for _, tc := range []struct {
		name string
		a, b string
		same bool
	}{
		{"features 0 is the default 0x1", m(func(in *Inputs) { in.GuestFeatures = 0 }), m(func(in *Inputs) { in.GuestFeatures = 1 }), true},
		{"signature instead of type", m(func(in *Inputs) { in.VCPUType, in.VCPUSig = "", 0x00A00F11 }), fwOnly, true},
		{"signature agreeing with type", m(func(in *Inputs) { in.VCPUSig = 0x00A00F11 }), fwOnly, true},
		{"versioned alias", m(func(in *Inputs) { in.VCPUType = "EPYC-Milan-v2" }), fwOnly, true},
		{"nil and empty initrd", m(func(in *Inputs) { in.Kernel = []byte{1} }), m(func(in *Inputs) { in.Kernel, in.Initrd = []byte{1}, []byte{} }), true},
		{"initrd and cmdline ignored without kernel", m(func(in *Inputs) { in.Initrd, in.Cmdline = []byte{1}, "x" }), fwOnly, true},
		{"empty kernel is direct boot", m(func(in *Inputs) { in.Kernel = []byte{} }), fwOnly, false},
		{"features 0x21", m(func(in *Inputs) { in.GuestFeatures = 0x21 }), fwOnly, false},
		{"vCPU count", m(func(in *Inputs) { in.VCPUs = 3 }), fwOnly, false},
		{"vCPU type", m(func(in *Inputs) { in.VCPUType = "EPYC-Genoa" }), fwOnly, false},
		{"cmdline", m(func(in *Inputs) { in.Kernel = []byte{1} }), m(func(in *Inputs) { in.Kernel, in.Cmdline = []byte{1}, "quiet" }), false},
		{"EC2", m(func(in *Inputs) { in.VMM = VMMEC2 }), fwOnly, false},
		{"EC2 ignores the vCPU signature", m(func(in *Inputs) { in.VMM = VMMEC2 }), m(func(in *Inputs) { in.VMM, in.VCPUType = VMMEC2, "" }), true},
	} {
		if (tc.a == tc.b) != tc.same {
			t.Errorf("%s: digests %s and %s, want equal = %v", tc.name, tc.a, tc.b, tc.same)
		}
	}
}
