//go:build mage

package main

import (
	"context"
	"fmt"
	"os/signal"
	"syscall"

	"github.com/magefile/mage/mg"

	"manx/catalog"
	"manx/deploy/osserver"
	"manx/deploy/profile"
	"manx/deploy/vm"
)

// Image holds the image-based OS's helpers.
type Image mg.Namespace

// Update builds the image and its next version's signed update bundle and serves it from the loopback OS package server until Ctrl-C (in a guest: manx update http://10.0.2.2:PORT/manx.json).
func (Image) Update(ctx context.Context) error {
	p, err := newPipeline()
	if err != nil {
		return err
	}
	if err := p.Build(ctx, catalog.GroupImage); err != nil {
		return err
	}
	c := vm.FromEnv(p.Env, p.Log)
	stop, err := osserver.ServeScenario(p.Env.BuildDir, c.OspkgPort, profile.ServeImageUpdate, p.Log)
	if err != nil {
		return err
	}
	defer stop()
	fmt.Printf("Serving the image update (%s, %s) on 127.0.0.1:%d; a guest runs: manx update http://%s:%d/%s\n",
		catalog.ImageUpdateDescriptor.Path, catalog.ImageUpdate.Path, c.OspkgPort, osserver.GuestHostAddr, c.OspkgPort, osserver.DescriptorName)
	ctx, cancel := signal.NotifyContext(ctx, syscall.SIGINT, syscall.SIGTERM)
	defer cancel()
	<-ctx.Done()
	return nil
}
