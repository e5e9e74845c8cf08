package vm

import (
	"slices"
	"strings"
	"testing"

	"manx/catalog"
	"manx/deploy/profile"
	"manx/deploy/qemu"
	"manx/userland/attest"
)

// TestFWCfgMeasurementName: the fw_cfg item the snp profile's QEMU sets is
// the one attest reads by default.
func TestFWCfgMeasurementName(t *testing.T) {
	if qemu.FWCfgMeasurement != attest.FWCfgMeasurement {
		t.Errorf("QEMU sets fw_cfg %q, attest reads %q", qemu.FWCfgMeasurement, attest.FWCfgMeasurement)
	}
	if !strings.Contains(attest.DefaultMeasurementPath, "/"+qemu.FWCfgMeasurement+"/") {
		t.Errorf("attest's default path %q is not the sysfs file of %q", attest.DefaultMeasurementPath, qemu.FWCfgMeasurement)
	}
}

// TestInputs resolves every profile against a build directory: each path
// is under it (or Debian's OVMF) and comes from a group Groups names.
func TestInputs(t *testing.T) {
	dir := t.TempDir()
	c := Config{BuildDir: dir}
	for _, p := range profile.All() {
		if p.SNP != nil {
			continue // needs the built files to compute the measurement
		}
		in, err := Inputs(c, p)
		if err == nil || !strings.Contains(err.Error(), "not built") {
			t.Errorf("%s: Inputs(empty build dir) = %v, want a 'not built' error", p.ID, err)
		}
		groups := Groups(p)
		for _, f := range []string{in.Kernel, in.Initramfs, in.ESP, in.Code, in.Vars} {
			if f == "" || f == DebianSecbootCode {
				continue
			}
			if p.ESPPin != nil && f == in.ESP {
				if want := c.pinnedEFIPath(*p.ESPPin); f != want {
					t.Errorf("%s boots ESP %s, want the pinned binary at %s", p.ID, f, want)
				}
				continue // extracted from its pin, not built
			}
			found := false
			for _, a := range catalog.All() {
				if a.In(dir) == f {
					found = true
					if !slices.Contains(groups, a.Group) {
						t.Errorf("%s boots %s (group %s), Groups() = %v", p.ID, a.Name, a.Group, groups)
					}
				}
			}
			if !found {
				t.Errorf("%s: %s is no catalogue artefact", p.ID, f)
			}
		}
		if p.Serve != "" && !slices.Contains(groups, catalog.GroupStboot) {
			t.Errorf("%s serves an OS package, Groups() = %v", p.ID, groups)
		}
	}
}
