package snp

import (
	"bytes"
	"testing"

	"manx/firmware/snp/snptest"
)

// FuzzMeasure places fuzzed bytes at the end of a 64 KiB image (where the footer
// table and SEV metadata live) and measures it, firmware-only and with a kernel:
// Measure must return a digest or an error, never panic.
func FuzzMeasure(f *testing.F) {
	fw := snptest.ReadFile(f, "OVMF.amdsev.fd")
	f.Add(fw[len(fw)-0x600:]) // footer table and SEV metadata of the AmdSev build
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, tail []byte) {
		if len(tail) > firmwareAlign {
			tail = tail[len(tail)-firmwareAlign:]
		}
		img := make([]byte, firmwareAlign)
		copy(img[len(img)-len(tail):], tail)
		for _, kernel := range [][]byte{nil, {1}} {
			d, err := Measure(Inputs{Firmware: img, Kernel: kernel, VCPUs: 2, VCPUType: "EPYC-Milan"})
			if err == nil && d == (Digest{}) {
				t.Fatalf("Measure() = zero digest without error")
			}
		}
	})
}

func FuzzParseDigest(f *testing.F) {
	f.Add("60981ed72f7f7300f2952909867a5a5f7f8fb4088999dcbdd80d165206ee478c45e41f9f6c723799808d117a2e70b949")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDigest(s)
		if err != nil {
			return
		}
		if back, err := ParseDigest(d.String()); err != nil || back != d {
			t.Fatalf("ParseDigest(%q) = %s, which does not round-trip: %s, %v", s, d, back, err)
		}
	})
}

// FuzzReadJSON: ReadJSON returns rows or an error, and rows it accepts survive
// WriteJSON and ReadJSON again.
func FuzzReadJSON(f *testing.F) {
	f.Add([]byte(`[{"ovmf_sha256":"f0","vmm_type":"QEMU","guest_features":"0x1","vcpu_type":"EPYC","vcpu_sig":"0x00800f12","vcpus":2,"measurement":"60981ed72f7f7300f2952909867a5a5f7f8fb4088999dcbdd80d165206ee478c45e41f9f6c723799808d117a2e70b949"}]`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		rows, err := ReadJSON(bytes.NewReader(b))
		if err != nil {
			return
		}
		var out bytes.Buffer
		if err := WriteJSON(&out, rows); err != nil {
			t.Fatalf("WriteJSON(ReadJSON(%q)) error = %v", b, err)
		}
		if _, err := ReadJSON(&out); err != nil {
			t.Fatalf("ReadJSON(WriteJSON(ReadJSON(%q))) error = %v", b, err)
		}
	})
}
