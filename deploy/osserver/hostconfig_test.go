package osserver

import (
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"manx/deploy/profile"
	"manx/userland/stboot"
)

func TestStbootHostConfig(t *testing.T) {
	for _, threshold := range []int{1, 2} {
		b, err := HostConfig(18480, threshold)
		if err != nil {
			t.Fatal(err)
		}
		hc, err := stboot.ParseHostConfig(b)
		if err != nil {
			t.Fatalf("ParseHostConfig(stbootHostConfig) = %v", err)
		}
		if got, want := hc.DescriptorURL, "http://10.0.2.2:18480/manx.json"; got != want {
			t.Errorf("descriptor_url = %q, want %q", got, want)
		}
		if hc.NetworkMode != stboot.ModeDHCP || hc.Address != "" || hc.Gateway != "" {
			t.Errorf("network %s %q via %q, want dhcp with no static fallback (the boot checks prove DHCP)", hc.NetworkMode, hc.Address, hc.Gateway)
		}
		if hc.SignatureThreshold != threshold {
			t.Errorf("signature_threshold = %d, want %d", hc.SignatureThreshold, threshold)
		}
		// host.json as before distinct_roots existed: the field is
		// omitted when false, so the stboot initramfs bytes do not change.
		if hc.DistinctRoots || strings.Contains(string(b), "distinct_roots") {
			t.Errorf("host.json has distinct_roots (DistinctRoots %v), want it omitted:\n%s", hc.DistinctRoots, b)
		}
		// The server-down profile expects "giving up after 5 attempt(s)",
		// well within the total deadline.
		if hc.RetryMax != 4 || time.Duration(hc.Deadline) != 90*time.Second {
			t.Errorf("retry_max %d, deadline %v; the stboot profiles expect 4 and 90s", hc.RetryMax, time.Duration(hc.Deadline))
		}
	}
}

func TestScenarios(t *testing.T) {
	var names []string
	for n := range Scenarios {
		names = append(names, n)
	}
	sort.Strings(names)
	want := slices.Sorted(slices.Values(profile.ServeScenarios))
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("Scenarios differ from profile.ServeScenarios (-want +got):\n%s", diff)
	}
}
