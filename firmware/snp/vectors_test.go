package snp

import (
	"fmt"
	"strconv"
	"testing"

	"manx/firmware/snp/snptest"
)

// vectorInputs turns a reference vector into Inputs, with its input files from
// snptest.
func vectorInputs(t *testing.T, v snptest.Vector) Inputs {
	t.Helper()
	features, err := strconv.ParseUint(v.GuestFeatures, 0, 64)
	if err != nil {
		t.Fatalf("vector %d: guest_features %q: %v", v.ID, v.GuestFeatures, err)
	}
	in := Inputs{
		Firmware:      snptest.ReadFile(t, v.OVMF),
		VCPUs:         v.VCPUs,
		VCPUType:      v.VCPUType,
		GuestFeatures: features,
		Cmdline:       v.Append,
	}
	if v.Kernel != "" {
		in.Kernel = snptest.ReadFile(t, v.Kernel)
	}
	if v.Initrd != "" {
		in.Initrd = snptest.ReadFile(t, v.Initrd)
	}
	return in
}

// TestVectors checks every row of testdata/vectors/vectors.json bit for bit.
func TestVectors(t *testing.T) {
	vs := snptest.Vectors(t)
	matched := 0
	for _, v := range vs {
		t.Run(fmt.Sprintf("%d_%s_%dvcpu_%s", v.ID, v.VCPUType, v.VCPUs, v.GuestFeatures), func(t *testing.T) {
			in := vectorInputs(t, v)
			got, err := Measure(in)
			if err != nil {
				t.Fatalf("Measure(vector %d) error = %v", v.ID, err)
			}
			if got.String() != v.Measurement {
				t.Fatalf("Measure(vector %d) = %s, want %s", v.ID, got, v.Measurement)
			}
			matched++
		})
	}
	t.Logf("%d of %d reference vectors matched", matched, len(vs))
	if matched != len(vs) {
		t.Errorf("%d of %d reference vectors matched, want all", matched, len(vs))
	}
}
