package app

import (
	"strings"
	"testing"

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
