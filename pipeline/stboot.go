package pipeline

import (
	"bytes"
	"context"
	"encoding/pem"
	"fmt"
	"path/filepath"
	"time"

	"manx/catalog"
	"manx/deploy/osserver"
	"manx/internal/gobuild"
	"manx/internal/stage"
	"manx/ospkg"
	"manx/ospkg/ospkgtest"
	"manx/sign"
	"manx/uki"
	"manx/userland/initramfs"
)

// stboot network boot: the signed Manx OS package, the stboot initramfs
// variants and the stboot UKIs the stboot profiles boot.
const (
	// OspkgCmdline is the command line of the kexec'd Manx.
	OspkgCmdline = "console=ttyS0 panic=-1"

	stbootCommand  = "manx/userland/cmd/stboot"
	stbootHostJSON = "etc/manx/stboot/host.json"
	stbootRootPEM  = "etc/manx/stboot/root.pem"
)

// stboot builds the OS packages, the stboot initramfs variants and the
// stboot UKIs.
func (p *Pipeline) stboot(ctx context.Context) error {
	if err := p.osPackages(ctx); err != nil {
		return err
	}
	if err := p.stbootInitramfs(ctx); err != nil {
		return err
	}
	return p.stbootUKIs(ctx)
}

// osPackages builds catalog.Ospkg (the db-signed kernel, the Go userland
// initramfs, OspkgCmdline; byte-reproducible), its descriptor signed by the
// stboot signer and the two refusal-fixture descriptors of the same zip.
//
// The zip is written before its descriptors are signed: when a replayed
// signature log lacks the descriptor's signature (the zip differs from the
// published one), verify still compares the zip and reports it as a
// mismatch instead of missing.
func (p *Pipeline) osPackages(ctx context.Context) error {
	if err := p.Build(ctx, catalog.GroupKernel, catalog.GroupInitramfs); err != nil {
		return err
	}
	if err := p.signedKernel(); err != nil {
		return err
	}
	kb, err := p.read(catalog.KernelSigned)
	if err != nil {
		return err
	}
	ib, err := p.read(catalog.Initramfs)
	if err != nil {
		return err
	}
	ks, err := p.Keys()
	if err != nil {
		return err
	}
	st, err := p.Stamp(ctx, catalog.GroupStboot)
	if err != nil {
		return err
	}
	var zip bytes.Buffer
	c := ospkg.Contents{Label: "Manx " + st.Version, Kernel: kb, Initramfs: ib, Cmdline: OspkgCmdline}
	if err := ospkg.Pack(&zip, c, st.Epoch); err != nil {
		return err
	}
	if err := p.write(output{catalog.Ospkg, zip.Bytes()}); err != nil {
		return err
	}
	untrusted, err := ospkgtest.UntrustedSigner(st.Epoch)
	if err != nil {
		return err
	}
	descs, err := descriptors(zip.Bytes(), ks.StbootSigner, untrusted)
	if err != nil {
		return err
	}
	return p.write(descs...)
}

// descriptors signs zip three ways: by signer (catalog.OspkgDescriptor), by
// untrusted alone (catalog.OspkgUntrusted) and by both
// (catalog.OspkgOneOfTwo).
func descriptors(zip []byte, signer, untrusted sign.Signer) ([]output, error) {
	var outs []output
	for _, d := range []struct {
		art     catalog.Artefact
		signers []sign.Signer
	}{
		{catalog.OspkgDescriptor, []sign.Signer{signer}},
		{catalog.OspkgUntrusted, []sign.Signer{untrusted}},
		{catalog.OspkgOneOfTwo, []sign.Signer{signer, untrusted}},
	} {
		desc, err := ospkg.Sign(zip, osserver.PackageName, d.signers)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", d.art.Path, err)
		}
		b, err := desc.Marshal()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", d.art.Path, err)
		}
		outs = append(outs, output{d.art, b})
	}
	return outs, nil
}

// stbootInitramfs builds catalog.StbootInitramfs (host.json with threshold
// 1) and catalog.StbootInitramfsThreshold2: Manx's init, /bin/stboot,
// host.json and the stboot root certificate. Its stage key is the Go
// userland's plus both host.json files and the root.
func (p *Pipeline) stbootInitramfs(ctx context.Context) error {
	ks, err := p.Keys()
	if err != nil {
		return err
	}
	root := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ks.StbootRoot.Certificate().Raw})
	variants := []struct {
		art       catalog.Artefact
		threshold int
		host      []byte
	}{{catalog.StbootInitramfs, 1, nil}, {catalog.StbootInitramfsThreshold2, 2, nil}}
	st, err := p.Stamp(ctx, catalog.GroupStboot)
	if err != nil {
		return err
	}
	k, err := p.inputsKey(ctx, catalog.GroupStboot, "stboot-initramfs", st)
	if err != nil {
		return err
	}
	k.Bytes("root.pem", root)
	var names []string
	for i := range variants {
		v := &variants[i]
		if v.host, err = osserver.HostConfig(p.Env.OspkgPort, v.threshold); err != nil {
			return err
		}
		k.Bytes(v.art.Path, v.host)
		names = append(names, v.art.Base())
	}
	key := k.Sum()
	dir := filepath.Join(p.Env.BuildDir, catalog.StbootInitramfs.Dir())
	if stage.Fresh(dir, key, names...) {
		return nil
	}
	if err := stage.Invalidate(dir); err != nil {
		return err
	}
	start := time.Now()
	p.Log.Info("Building the stboot initramfs variants (u-root as a library)", "variants", len(variants), "port", p.Env.OspkgPort)
	goBin, err := gobuild.Toolchain(ctx)
	if err != nil {
		return err
	}
	for _, v := range variants {
		err := initramfs.Build(ctx, initramfs.Options{
			Out: v.art.In(p.Env.BuildDir), Root: p.Env.Root, Epoch: st.Epoch, Version: st.Version, Logger: p.Log, Go: goBin,
			Commands: []string{stbootCommand},
			Files: map[string]initramfs.File{
				stbootHostJSON: {Data: v.host, Mode: 0o644},
				stbootRootPEM:  {Data: root, Mode: 0o644},
			},
		})
		if err != nil {
			return fmt.Errorf("stboot initramfs %s: %w", v.art.Path, err)
		}
	}
	if err := stage.Done(dir, key); err != nil {
		return err
	}
	p.Log.Info("Built the stboot initramfs variants", "elapsed", time.Since(start).Round(time.Second))
	return nil
}

// stbootUKIs builds catalog.StbootUKI (kernel, stboot initramfs,
// uki.StbootCmdline) and its db-signed copy.
func (p *Pipeline) stbootUKIs(ctx context.Context) error {
	unsigned, err := p.assembleUKI(ctx, catalog.GroupStboot, catalog.StbootInitramfs, uki.StbootCmdline)
	if err != nil {
		return fmt.Errorf("stboot UKI: %w", err)
	}
	if err := p.write(output{catalog.StbootUKI, unsigned}); err != nil {
		return err
	}
	signed, err := p.signDB(unsigned, "the stboot UKI")
	if err != nil {
		return err
	}
	return p.write(output{catalog.StbootUKISigned, signed})
}
