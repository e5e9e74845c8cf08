package app

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"

	"manx/firmware/snp"
	"manx/internal/recipe"
	"manx/internal/stage"
)

// SNP launch-measurement table settings: the vCPU counts and types the
// published table covers, and the command line the snp profile boots with.
var (
	MeasureVCPUs = []int{1, 2, 3, 4, 5, 6, 7, 8}
	SNPCmdline   = "console=ttyS0 panic=-1"
)

// MeasureFile is the SNP measurement table under build/.
const MeasureFile = "measure/snp.json"

// AmdSevFirmware is the AmdSev image under build/.
const AmdSevFirmware = "firmware/ovmf-amdsev/OVMF.fd"

// SNPInputs are exactly the files and settings the snp profile gives QEMU.
func (a *App) SNPInputs(ctx context.Context) (snp.Inputs, error) {
	if _, err := a.Firmware(ctx, "ovmf-amdsev"); err != nil {
		return snp.Inputs{}, err
	}
	k, err := a.Kernel(ctx)
	if err != nil {
		return snp.Inputs{}, err
	}
	i, err := a.Initramfs(ctx)
	if err != nil {
		return snp.Inputs{}, err
	}
	var in snp.Inputs
	for _, f := range []struct {
		path string
		dst  *[]byte
	}{{a.Env.Path(AmdSevFirmware), &in.Firmware}, {k.Path, &in.Kernel}, {i.Path, &in.Initrd}} {
		b, err := os.ReadFile(f.path)
		if err != nil {
			return snp.Inputs{}, err
		}
		*f.dst = b
	}
	in.Cmdline = SNPCmdline
	return in, nil
}

// Measure writes build/measure/snp.json (vCPUs 1..8 x every supported vCPU
// type) for the built AmdSev firmware, kernel, initramfs and command line,
// and prints the table.
func (a *App) Measure(ctx context.Context) (recipe.Artefact, error) {
	in, err := a.SNPInputs(ctx)
	if err != nil {
		return recipe.Artefact{}, err
	}
	rows, err := snp.Table(in, MeasureVCPUs, snp.VCPUTypes())
	if err != nil {
		return recipe.Artefact{}, err
	}
	var buf bytes.Buffer
	if err := snp.WriteJSON(&buf, rows); err != nil {
		return recipe.Artefact{}, err
	}
	out := a.Env.Path(MeasureFile)
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return recipe.Artefact{}, err
	}
	if err := stage.WriteFileAtomic(out, buf.Bytes(), 0o644); err != nil {
		return recipe.Artefact{}, fmt.Errorf("writing %s: %w", out, err)
	}
	if err := snp.Describe(os.Stdout, rows); err != nil {
		return recipe.Artefact{}, err
	}
	return recipe.Describe(out)
}
