package stboot

import "context"

// NetConfig is the part of the host configuration a Network needs.
type NetConfig struct {
	Interface   string   // e.g. "eth0"
	Mode        string   // ModeDHCP, ModeStatic or ModeNone
	DHCPTimeout Duration // DHCP budget before the static fallback
	Address     string   // IPv4 CIDR for static mode and the DHCP fallback; "" for none
	Gateway     string   // IPv4 default gateway; "" for none
}

// Network brings up the interface stboot downloads over. Up must return
// when ctx ends. It returns a one-line description for the console, e.g.
// "eth0 10.0.2.15/24 via 10.0.2.2 (dhcp)".
type Network interface {
	Up(ctx context.Context, c NetConfig) (string, error)
}
