// Package nixcheck checks Manx's Nix flake without Nix's store, network or
// nixpkgs: every .nix file must parse (nix-instantiate --parse), the flake's
// outputs function is evaluated against the stub nixpkgs in nix/stub (whose
// builders return records of their arguments), and the records are compared
// with what the Go side of Manx builds: the pins in pins.json, the kernel
// recipe and fragments, the OVMF variants. flake.lock must pin nixpkgs to a
// revision and narHash.
//
// Nothing here builds anything; docs/nix.md says what that leaves unchecked.
package nixcheck

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
)

// ErrNoNix reports that nix-instantiate is not on PATH (Debian: apt-get
// install nix-bin).
var ErrNoNix = errors.New("nix-instantiate not found on PATH (install nix-bin)")

// Tool runs nix-instantiate.
type Tool struct {
	Path string // nix-instantiate
}

// Find locates nix-instantiate on PATH.
func Find() (Tool, error) {
	p, err := exec.LookPath("nix-instantiate")
	if err != nil {
		return Tool{}, ErrNoNix
	}
	return Tool{Path: p}, nil
}

// Run is the whole check, for `mage test`: parse every .nix file under root,
// evaluate the flake against the stub nixpkgs, and compare it with want and
// with pins.json and flake.lock.
func Run(ctx context.Context, root string, want Expect) error {
	t, err := Find()
	if err != nil {
		return err
	}
	if err := t.ParseAll(ctx, root); err != nil {
		return err
	}
	f, err := t.Eval(ctx, root, StubSelf)
	if err != nil {
		return err
	}
	pl, err := LoadPins(root)
	if err != nil {
		return err
	}
	lock, err := LoadLock(root)
	if err != nil {
		return err
	}
	if err := Verify(f, pl, want); err != nil {
		return fmt.Errorf("flake.nix: %w", err)
	}
	if err := CheckLock(lock, f.Inputs); err != nil {
		return fmt.Errorf("flake.lock: %w", err)
	}
	return nil
}
