package manifest

import (
	"strings"
	"testing"
)

func TestHint(t *testing.T) {
	tests := []struct {
		path string
		want []string // substrings
	}{
		{"firmware/ovmf-pflash/OVMF_CODE.fd", []string{"diffoscope", "VolInfo", "build/logs/ovmf-pflash.log"}},
		{"firmware/ovmf-amdsev/OVMF.fd", []string{"VolInfo", "build/logs/ovmf-amdsev.log"}},
		{"varstore/OVMF_VARS_MS.fd", []string{"inspect:vars", "EFI_TIME"}},
		{"varstore/OVMF_VARS_BLANK.json", []string{"diff -u", "uefi-vars"}},
		{"uki/manx.efi", []string{"objdump -h", "PE sections", ".linux"}},
		{"kernel/bzImage", []string{"build/kernel/config", "KBUILD_"}},
		{"userland/initramfs.cpio.gz", []string{"diffoscope", "cpio"}},
		{"ospkg/manx.zip", []string{"unzip", "kernel"}},
		{"measure/snp.json", []string{"diff -u", "OVMF"}},
		{"other/thing.bin", []string{"diffoscope both copies of other/thing.bin"}},
	}
	for _, tt := range tests {
		got := Hint(tt.path)
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("Hint(%q) = %q, want it to mention %q", tt.path, got, w)
			}
		}
	}
}
