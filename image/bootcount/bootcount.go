// Package bootcount reads and writes systemd-boot's boot-counting file
// names (https://systemd.io/AUTOMATIC_BOOT_ASSESSMENT/): an entry named
// NAME+LEFT[-DONE].efi has LEFT tries left and DONE done; systemd-boot
// renames it to NAME+(LEFT-1)-(DONE+1).efi before it boots it, sorts
// entries with no tries left after all others, and the booted system
// renames a good entry to NAME.efi (blessed: no more counting).
//
// Standard library only: the guest init links it.
package bootcount

import (
	"fmt"
	"strconv"
	"strings"
)

// Name is a parsed entry file name.
type Name struct {
	Base   string // the name without counter and suffix, e.g. "manx_2"
	Suffix string // ".efi" or ".conf"
	// Counting is false for a blessed (or never counted) entry; then Left
	// and Done are 0.
	Counting   bool
	Left, Done int
}

// Parse parses a file name (no directory). The counter is the text after
// the last '+', up to the suffix: LEFT or LEFT-DONE, decimal.
func Parse(file string) (Name, error) {
	var n Name
	for _, s := range []string{".efi", ".conf"} {
		if strings.HasSuffix(file, s) {
			n.Suffix = s
			break
		}
	}
	if n.Suffix == "" {
		return Name{}, fmt.Errorf("bootcount: %q: not a .efi or .conf entry", file)
	}
	stem := strings.TrimSuffix(file, n.Suffix)
	i := strings.LastIndexByte(stem, '+')
	if i < 0 {
		n.Base = stem
		if n.Base == "" {
			return Name{}, fmt.Errorf("bootcount: %q: no name", file)
		}
		return n, nil
	}
	n.Base = stem[:i]
	left, done, hasDone := strings.Cut(stem[i+1:], "-")
	var err error
	if n.Left, err = counter(left); err != nil {
		return Name{}, fmt.Errorf("bootcount: %q: tries left: %w", file, err)
	}
	if hasDone {
		if n.Done, err = counter(done); err != nil {
			return Name{}, fmt.Errorf("bootcount: %q: tries done: %w", file, err)
		}
	}
	if n.Base == "" {
		return Name{}, fmt.Errorf("bootcount: %q: no name", file)
	}
	n.Counting = true
	return n, nil
}

// counter parses a non-negative decimal that fits an int32, as
// systemd-boot does (digits only).
func counter(s string) (int, error) {
	if s == "" || strings.TrimLeft(s, "0123456789") != "" {
		return 0, fmt.Errorf("%q is not a decimal number", s)
	}
	v, err := strconv.ParseInt(s, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("%q: %w", s, err)
	}
	return int(v), nil
}

// String is the file name.
func (n Name) String() string {
	if !n.Counting {
		return n.Base + n.Suffix
	}
	if n.Done == 0 {
		return fmt.Sprintf("%s+%d%s", n.Base, n.Left, n.Suffix)
	}
	return fmt.Sprintf("%s+%d-%d%s", n.Base, n.Left, n.Done, n.Suffix)
}

// Blessed is the name of the entry marked good.
func (n Name) Blessed() Name { return Name{Base: n.Base, Suffix: n.Suffix} }

// Exhausted reports whether the entry has no tries left.
func (n Name) Exhausted() bool { return n.Counting && n.Left == 0 }

// New is a fresh counting entry: Base+tries.efi.
func New(base string, tries int) Name {
	return Name{Base: base, Suffix: ".efi", Counting: true, Left: tries}
}
