//go:build mage

package main

import (
	"context"

	"manx/internal/buildenv"
	"manx/internal/fetch"
	"manx/internal/logx"
	"manx/internal/toolchain"
)

// ToolchainLock re-resolves the Debian build container's packages from the mirror and rewrites internal/toolchain/debian.lock.json.
func ToolchainLock(ctx context.Context) error {
	env, err := buildenv.LoadHere()
	if err != nil {
		return err
	}
	log := logx.New()
	return toolchain.WriteLock(ctx, env.Root, fetch.New(env.CacheDir, log), log)
}
