//go:build mage

package main

import (
	"context"
	"os"

	"github.com/magefile/mage/mg"

	"manx/bench"
)

// Bench measures the edit loop (prints figures; run after buildAll).
type Bench mg.Namespace

// Edit commits one line of the guest init in a scratch clone and rebuilds to a new signed UKI, then a magefile-only change.
func (Bench) Edit(ctx context.Context) error {
	p, err := newPipeline()
	if err != nil {
		return err
	}
	return bench.Edit(ctx, p.Env, os.Stdout)
}
