package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"os"

	"manx/catalog"
	"manx/deploy/vm"
	"manx/firmware/snp"
	"manx/internal/stage"
)

// MeasureVCPUs are the vCPU counts the published table covers (with every
// supported vCPU type).
var MeasureVCPUs = []int{1, 2, 3, 4, 5, 6, 7, 8}

// measure writes catalog.SNPMeasurements (vCPUs 1..8 x every supported
// vCPU type) for the built AmdSev firmware, kernel, initramfs and the snp
// profile's command line, and prints the table.
func (p *Pipeline) measure(ctx context.Context) error {
	if err := p.Build(ctx, catalog.GroupFirmware, catalog.GroupKernel, catalog.GroupInitramfs); err != nil {
		return err
	}
	in, err := vm.SNPInputs(p.Env.BuildDir)
	if err != nil {
		return err
	}
	rows, err := snp.Table(in, MeasureVCPUs, snp.VCPUTypes())
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := snp.WriteJSON(&buf, rows); err != nil {
		return err
	}
	out := catalog.SNPMeasurements.In(p.Env.BuildDir)
	if err := stage.WriteFileAtomic(out, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("writing %s: %w", out, err)
	}
	return snp.Describe(os.Stdout, rows)
}
