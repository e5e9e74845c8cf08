package osserver

import (
	"encoding/json"
	"fmt"
	"time"

	"manx/userland/stboot"
)

// HostConfig is host.json for the stboot initramfs: the OS package server
// on the host's loopback (port), as QEMU user networking shows it to the
// guest, signature_threshold threshold, and deadlines short enough for TCG
// checks.
//
// The network comes from DHCP (QEMU's slirp server), with no static
// fallback, so the boot checks show DHCP working. The DHCP client needs
// random transaction IDs and getrandom(2) blocks until the CRNG is ready: a
// TCG guest has no RDRAND, so the stboot profiles give it virtio-rng
// (CONFIG_HW_RANDOM_VIRTIO); without it the CRNG took two minutes.
func HostConfig(port, threshold int) ([]byte, error) {
	hc := stboot.DefaultHostConfig()
	hc.DescriptorURL = fmt.Sprintf("http://%s:%d/%s", GuestHost, port, DescriptorName)
	hc.NetworkMode = stboot.ModeDHCP
	hc.Address, hc.Gateway = "", "" // no static fallback: the check proves DHCP
	hc.SignatureThreshold = threshold
	hc.RequestTimeout = stboot.Duration(20 * time.Second)
	hc.Deadline = stboot.Duration(90 * time.Second)
	hc.RetryMax = 4
	hc.RetryWaitMin = stboot.Duration(500 * time.Millisecond)
	hc.RetryWaitMax = stboot.Duration(4 * time.Second)
	if err := hc.Validate(); err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(hc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encoding host.json: %w", err)
	}
	return append(b, '\n'), nil
}
