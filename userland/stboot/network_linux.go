package stboot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"time"

	"github.com/u-root/u-root/pkg/dhclient"
	"github.com/vishvananda/netlink"
)

// NetlinkNetwork is the real Network: it waits for the interface, sets it
// (and lo) up, then runs DHCPv4 with u-root's dhclient and, if that fails
// and an address is configured, falls back to the static address. Static
// mode skips DHCP. The kernel needs CONFIG_PACKET for DHCP (raw sockets);
// static mode needs only netlink.
type NetlinkNetwork struct {
	Logger *slog.Logger // nil: discard
}

// linkWait bounds the wait for the interface to appear and come up.
const linkWait = 10 * time.Second

// Up implements Network.
func (n NetlinkNetwork) Up(ctx context.Context, c NetConfig) (string, error) {
	log := n.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if c.Mode == ModeNone {
		return "not configured by stboot (network_mode none)", nil
	}
	if lo, err := netlink.LinkByName("lo"); err == nil {
		if err := netlink.LinkSetUp(lo); err != nil {
			log.Warn("Cannot set lo up", "err", err)
		}
	}
	link, err := waitLink(ctx, c.Interface)
	if err != nil {
		return "", err
	}
	if c.Mode == ModeDHCP {
		desc, derr := dhcp(ctx, link, c)
		if derr == nil {
			return desc, nil
		}
		if c.Address == "" {
			return "", derr
		}
		log.Warn("DHCP failed, using the static address", "interface", c.Interface, "err", derr, "address", c.Address)
		desc, err := static(link, c)
		if err != nil {
			return "", errors.Join(derr, err)
		}
		return desc + " (static fallback: " + derr.Error() + ")", nil
	}
	return static(link, c)
}

// waitLink waits until the interface exists (virtio-net may probe after
// init starts) and sets it up.
func waitLink(ctx context.Context, name string) (netlink.Link, error) {
	ctx, cancel := context.WithTimeout(ctx, linkWait)
	defer cancel()
	for {
		link, err := netlink.LinkByName(name)
		if err == nil {
			if err := netlink.LinkSetUp(link); err != nil {
				return nil, fmt.Errorf("setting %s up: %w", name, err)
			}
			return link, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("interface %s: %w (waited %v)", name, err, linkWait)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// dhcp runs DHCPv4 on link within c.DHCPTimeout and configures the lease
// (address, routes, /etc/resolv.conf).
func dhcp(ctx context.Context, link netlink.Link, c NetConfig) (string, error) {
	timeout := time.Duration(c.DHCPTimeout)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cfg := dhclient.Config{Timeout: timeout / 3, Retries: 2}
	var errs []error
	for r := range dhclient.SendRequests(ctx, []netlink.Link{link}, true, false, cfg, linkWait) {
		if r.Err != nil {
			errs = append(errs, r.Err)
			continue
		}
		if err := r.Lease.Configure(); err != nil {
			return "", fmt.Errorf("DHCP on %s: configuring %v: %w", c.Interface, r.Lease, err)
		}
		return fmt.Sprintf("%s %v (dhcp)", c.Interface, r.Lease), nil
	}
	if len(errs) == 0 {
		errs = append(errs, errors.New("no lease (link down?)"))
	}
	return "", fmt.Errorf("DHCP on %s within %v: %w", c.Interface, timeout, errors.Join(errs...))
}

// static sets c.Address on link and, if set, a default route via c.Gateway.
func static(link netlink.Link, c NetConfig) (string, error) {
	p, err := netip.ParsePrefix(c.Address)
	if err != nil {
		return "", fmt.Errorf("address %q: %w", c.Address, err)
	}
	ipnet := &net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), 32)}
	if err := netlink.AddrReplace(link, &netlink.Addr{IPNet: ipnet}); err != nil {
		return "", fmt.Errorf("adding %s to %s: %w", c.Address, c.Interface, err)
	}
	desc := fmt.Sprintf("%s %s (static)", c.Interface, c.Address)
	if c.Gateway == "" {
		return desc, nil
	}
	gw, err := netip.ParseAddr(c.Gateway)
	if err != nil {
		return "", fmt.Errorf("gateway %q: %w", c.Gateway, err)
	}
	if err := netlink.RouteReplace(&netlink.Route{LinkIndex: link.Attrs().Index, Gw: gw.AsSlice()}); err != nil {
		return "", fmt.Errorf("default route via %s on %s: %w", c.Gateway, c.Interface, err)
	}
	return fmt.Sprintf("%s %s via %s (static)", c.Interface, c.Address, c.Gateway), nil
}
