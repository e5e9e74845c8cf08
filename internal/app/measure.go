package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"manx/deploy/profile"
	"manx/firmware/snp"
	"manx/internal/recipe"
	"manx/internal/stage"
)

// MeasureVCPUs are the vCPU counts the published table covers (with every
// supported vCPU type).
var MeasureVCPUs = []int{1, 2, 3, 4, 5, 6, 7, 8}

// MeasureFile is the SNP measurement table under build/.
const MeasureFile = "measure/snp.json"

// AmdSevFirmware is the AmdSev image under build/.
const AmdSevFirmware = "firmware/ovmf-amdsev/OVMF.fd"

// SNPInputs are exactly the files and command line the snp profile gives
// QEMU (vCPUs and type are set per row or from the profile).
func (a *App) SNPInputs(ctx context.Context) (snp.Inputs, error) {
	p, err := profile.Find("snp")
	if err != nil {
		return snp.Inputs{}, err
	}
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
	in.Cmdline = p.Append
	in.VCPUs, in.VCPUType = p.SNP.VCPUs, p.SNP.VCPUType
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

// snpHost reports whether this machine can launch SEV-SNP guests.
func snpHost() bool {
	b, err := os.ReadFile("/sys/module/kvm_amd/parameters/sev_snp")
	if err != nil {
		return false
	}
	v := string(bytes.TrimSpace(b))
	_, kvm := os.Stat("/dev/kvm")
	return (v == "Y" || v == "1") && kvm == nil
}

// refuseSNP explains why an SNP profile cannot run here, with the launch
// measurement the guest would carry.
func (a *App) refuseSNP(ctx context.Context) error {
	in, err := a.SNPInputs(ctx)
	if err != nil {
		return err
	}
	d, err := snp.Measure(in)
	if err != nil {
		return err
	}
	return fmt.Errorf("%w: this host has no SEV-SNP (kvm_amd sev_snp is not Y); the guest's expected MEASUREMENT would be %s (vCPUs %d, %s)", ErrNoSNP, d, in.VCPUs, in.VCPUType)
}

// ErrNoSNP marks a profile that needs SEV-SNP hardware.
var ErrNoSNP = errors.New("profile snp needs an AMD SEV-SNP host")
