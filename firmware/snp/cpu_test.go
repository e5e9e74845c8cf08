package snp

import (
	"strings"
	"testing"
)

func TestCPUSignature(t *testing.T) {
	for _, tc := range []struct {
		family, model, stepping int
		want                    uint32
	}{
		{23, 1, 2, 0x00800F12}, {23, 49, 0, 0x00830F10}, {25, 1, 1, 0x00A00F11},
		{25, 17, 0, 0x00A10F10}, {26, 0, 0, 0x00B00F00}, {6, 0x55, 7, 0x00050657}, {0, 0, 0, 0},
	} {
		if got := CPUSignature(tc.family, tc.model, tc.stepping); got != tc.want {
			t.Errorf("CPUSignature(%d, %d, %d) = %#08x, want %#08x", tc.family, tc.model, tc.stepping, got, tc.want)
		}
	}
}

func TestVCPUSignature(t *testing.T) {
	want := map[string]uint32{
		"EPYC": 0x00800F12, "EPYC-v1": 0x00800F12, "EPYC-v2": 0x00800F12, "EPYC-IBPB": 0x00800F12,
		"EPYC-v3": 0x00800F12, "EPYC-v4": 0x00800F12,
		"EPYC-Rome": 0x00830F10, "EPYC-Rome-v1": 0x00830F10, "EPYC-Rome-v2": 0x00830F10, "EPYC-Rome-v3": 0x00830F10,
		"EPYC-Milan": 0x00A00F11, "EPYC-Milan-v1": 0x00A00F11, "EPYC-Milan-v2": 0x00A00F11,
		"EPYC-Genoa": 0x00A10F10, "EPYC-Genoa-v1": 0x00A10F10,
		"EPYC-Turin": 0x00B00F00,
	}
	if got := len(VCPUTypes()); got != len(want) {
		t.Errorf("len(VCPUTypes()) = %d, want %d", got, len(want))
	}
	for _, name := range VCPUTypes() {
		got, err := VCPUSignature(name)
		if err != nil || got != want[name] {
			t.Errorf("VCPUSignature(%q) = %#08x, %v, want %#08x, nil", name, got, err, want[name])
		}
	}
	for _, bad := range []string{"", "epyc-milan", "EPYC-Milan-v3", "host"} {
		if _, err := VCPUSignature(bad); err == nil || !strings.Contains(err.Error(), "unknown vCPU type") {
			t.Errorf("VCPUSignature(%q) error = %v, want unknown vCPU type", bad, err)
		}
	}
}
