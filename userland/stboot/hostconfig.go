package stboot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"time"
)

// DefaultConfigPath is where the initramfs carries the host configuration.
const DefaultConfigPath = "/etc/manx/stboot/host.json"

// Network modes of HostConfig.NetworkMode.
const (
	ModeDHCP   = "dhcp"   // u-root dhclient (DHCPv4); on failure the static address if one is set
	ModeStatic = "static" // Address and Gateway only
	ModeNone   = "none"   // the network is already configured (by init or a test)
)

// HostConfig is the host configuration (host.json). Absent fields take the
// defaults of DefaultHostConfig; unknown fields are an error (a typo must
// not silently fall back to a default).
type HostConfig struct {
	Version            int      `json:"version"`                  // 1
	DescriptorURL      string   `json:"descriptor_url"`           // http(s) URL of NAME.json; required
	TrustRoot          string   `json:"trust_root"`               // PEM file of the signing root(s)
	SignatureThreshold int      `json:"signature_threshold"`      // distinct valid signers required, >= 1
	DistinctRoots      bool     `json:"distinct_roots,omitempty"` // signers must come from distinct trust roots (ospkg.TrustPolicy.DistinctRoots)
	RequestTimeout     Duration `json:"request_timeout"`          // per HTTP attempt, including the body
	Deadline           Duration `json:"deadline"`                 // everything from network up to kexec
	RetryMax           int      `json:"retry_max"`                // retries after the first attempt, per download
	RetryWaitMin       Duration `json:"retry_wait_min"`           // first backoff; doubles per retry
	RetryWaitMax       Duration `json:"retry_wait_max"`           // backoff cap
	SizeCap            int64    `json:"size_cap"`                 // bytes, per download
	Interface          string   `json:"interface"`                // network interface
	NetworkMode        string   `json:"network_mode"`             // dhcp, static or none
	DHCPTimeout        Duration `json:"dhcp_timeout"`             // DHCP attempt budget before the static fallback
	Address            string   `json:"address"`                  // static (and DHCP fallback) address, CIDR; "" disables the fallback
	Gateway            string   `json:"gateway"`                  // static default gateway; "" means none
	OnFailure          string   `json:"on_failure"`               // after a refusal: reboot (default) or poweroff; never a prompt
	FailureDelay       Duration `json:"failure_delay"`            // how long the refusal stays on the console first, 0..60s
}

// What stboot does after it failed (HostConfig.OnFailure).
const (
	OnFailureReboot   = "reboot"
	OnFailurePowerOff = "poweroff"
)

// DefaultHostConfig returns the defaults, which match QEMU user-mode
// networking (slirp: guest 10.0.2.15/24, host and gateway 10.0.2.2).
func DefaultHostConfig() HostConfig {
	return HostConfig{
		Version:            1,
		TrustRoot:          "/etc/manx/stboot/root.pem",
		SignatureThreshold: 1,
		RequestTimeout:     Duration(30 * time.Second),
		Deadline:           Duration(5 * time.Minute),
		RetryMax:           5,
		RetryWaitMin:       Duration(500 * time.Millisecond),
		RetryWaitMax:       Duration(5 * time.Second),
		SizeCap:            512 << 20,
		Interface:          "eth0",
		NetworkMode:        ModeDHCP,
		DHCPTimeout:        Duration(15 * time.Second),
		Address:            "10.0.2.15/24",
		Gateway:            "10.0.2.2",
		OnFailure:          OnFailureReboot,
		FailureDelay:       Duration(5 * time.Second),
	}
}

// maxHostConfigSize bounds host.json.
const maxHostConfigSize = 64 << 10

// ParseHostConfig parses host.json over the defaults and validates it,
// reporting every problem at once.
func ParseHostConfig(b []byte) (*HostConfig, error) {
	if len(b) > maxHostConfigSize {
		return nil, fmt.Errorf("host config is %d bytes, limit %d", len(b), maxHostConfigSize)
	}
	c := DefaultHostConfig()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("parsing host config: %w", err)
	}
	if dec.More() {
		return nil, errors.New("parsing host config: data after the JSON object")
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// Validate checks c and joins every problem.
func (c *HostConfig) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if c.Version != 1 {
		bad("version %d, want 1", c.Version)
	}
	if u, err := url.Parse(c.DescriptorURL); err != nil {
		bad("descriptor_url: %v", err)
	} else if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		bad("descriptor_url %q: want an absolute http or https URL", c.DescriptorURL)
	}
	if c.TrustRoot == "" {
		bad("trust_root is empty")
	}
	if c.SignatureThreshold < 1 {
		bad("signature_threshold %d, want >= 1", c.SignatureThreshold)
	}
	for _, d := range []struct {
		name string
		v    Duration
	}{{"request_timeout", c.RequestTimeout}, {"deadline", c.Deadline}, {"retry_wait_min", c.RetryWaitMin},
		{"retry_wait_max", c.RetryWaitMax}, {"dhcp_timeout", c.DHCPTimeout}} {
		if d.v <= 0 {
			bad("%s %v, want > 0", d.name, time.Duration(d.v))
		}
	}
	switch c.OnFailure {
	case OnFailureReboot, OnFailurePowerOff:
	default:
		bad("on_failure %q, want %s or %s", c.OnFailure, OnFailureReboot, OnFailurePowerOff)
	}
	if c.FailureDelay < 0 || c.FailureDelay > Duration(time.Minute) {
		bad("failure_delay %v, want 0..1m0s", time.Duration(c.FailureDelay))
	}
	if c.RetryWaitMin > c.RetryWaitMax {
		bad("retry_wait_min %v > retry_wait_max %v", time.Duration(c.RetryWaitMin), time.Duration(c.RetryWaitMax))
	}
	if c.RetryMax < 0 || c.RetryMax > 100 {
		bad("retry_max %d, want 0..100", c.RetryMax)
	}
	if c.SizeCap < 1 || c.SizeCap > 4<<30 {
		bad("size_cap %d, want 1..%d", c.SizeCap, int64(4<<30))
	}
	switch c.NetworkMode {
	case ModeDHCP, ModeStatic, ModeNone:
	default:
		bad("network_mode %q, want %s, %s or %s", c.NetworkMode, ModeDHCP, ModeStatic, ModeNone)
	}
	if c.NetworkMode != ModeNone && c.Interface == "" {
		bad("interface is empty")
	}
	if c.Address != "" {
		if p, err := netip.ParsePrefix(c.Address); err != nil || !p.Addr().Is4() {
			bad("address %q: want an IPv4 CIDR such as 10.0.2.15/24", c.Address)
		}
	} else if c.NetworkMode == ModeStatic {
		bad("network_mode static needs an address")
	}
	if c.Gateway != "" {
		if a, err := netip.ParseAddr(c.Gateway); err != nil || !a.Is4() {
			bad("gateway %q: want an IPv4 address", c.Gateway)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("invalid host config: %w", err)
	}
	return nil
}

// Duration is a time.Duration written in JSON as a Go duration string
// ("30s", "1m30s").
type Duration time.Duration

// MarshalJSON implements json.Marshaler.
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// UnmarshalJSON implements json.Unmarshaler.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration: want a string such as \"30s\": %w", err)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}
