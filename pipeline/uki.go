package pipeline

import (
	"context"
	"fmt"
	"os"

	"manx/catalog"
	"manx/kernel"
	"manx/sign/authenticode"
	"manx/uki"
	"manx/uki/ukitest"
)

// ukis builds the unsigned UKI (reproducible), the kernel signed with the
// kexec key (what stboot kexecs) and with db alone (a refusal fixture), the
// db-signed UKI and the tampered copy (one byte of .linux flipped, for the
// refusal checks).
//
// Each output is written as soon as it exists: a build that cannot sign
// one input (a replayed signature log that lacks it, because it differs
// from the published one) still leaves the others to compare.
func (p *Pipeline) ukis(ctx context.Context) error {
	if err := p.Build(ctx, catalog.GroupKernel, catalog.GroupInitramfs); err != nil {
		return err
	}
	unsigned, err := p.assembleUKI(ctx, catalog.GroupUKI, catalog.Initramfs, uki.Cmdline)
	if err != nil {
		return err
	}
	if err := p.write(output{catalog.UKI, unsigned}); err != nil {
		return err
	}
	if err := p.signedKernels(); err != nil {
		return err
	}
	signed, err := p.signDB(unsigned, "the UKI")
	if err != nil {
		return err
	}
	tampered, err := ukitest.FlipInSection(signed, ".linux")
	if err != nil {
		return err
	}
	if err := p.write(output{catalog.UKISigned, signed}, output{catalog.UKITampered, tampered}); err != nil {
		return err
	}
	return p.pcrUKIs(ctx)
}

// signedKernels writes catalog.KernelSigned, the kernel signed with the
// kexec key, which kexec_file_load accepts (the kernel's builtin keyring
// holds that key) and the firmware refuses (db does not), and
// catalog.KernelDBSigned, the kernel signed with db alone, which
// kexec_file_load refuses. The kernel must be built.
func (p *Pipeline) signedKernels() error {
	kb, err := p.read(catalog.Kernel)
	if err != nil {
		return err
	}
	ks, err := p.Keys()
	if err != nil {
		return err
	}
	signed, err := authenticode.SignPE(kb, ks.Kexec)
	if err != nil {
		return fmt.Errorf("signing the kernel with the kexec key: %w", err)
	}
	if err := p.write(output{catalog.KernelSigned, signed}); err != nil {
		return err
	}
	dbOnly, err := p.signDB(kb, "the db-only kernel fixture")
	if err != nil {
		return err
	}
	return p.write(output{catalog.KernelDBSigned, dbOnly})
}

// signDB signs a PE image (what names it in errors) with the db key: only
// UKIs (and the db-only refusal fixture) are.
func (p *Pipeline) signDB(pe []byte, what string) ([]byte, error) {
	ks, err := p.Keys()
	if err != nil {
		return nil, err
	}
	signed, err := authenticode.SignPE(pe, ks.DB)
	if err != nil {
		return nil, fmt.Errorf("signing %s with db: %w", what, err)
	}
	return signed, nil
}

// assembleUKI assembles an unsigned UKI of the built kernel and the given
// initramfs artefact under Manx's UKI profile (uki.Profile), stamped as
// group g.
func (p *Pipeline) assembleUKI(ctx context.Context, g catalog.Group, initrd catalog.Artefact, cmdline string) ([]byte, error) {
	prof, err := p.ukiProfile(ctx, g, cmdline)
	if err != nil {
		return nil, err
	}
	linux, err := p.read(catalog.Kernel)
	if err != nil {
		return nil, err
	}
	ib, err := p.read(initrd)
	if err != nil {
		return nil, err
	}
	return prof.Assemble(linux, ib)
}

// ukiProfile is Manx's UKI profile (uki.Profile) for group g's stamp and
// cmdline: the pinned stub and the kernel release.
func (p *Pipeline) ukiProfile(ctx context.Context, g catalog.Group, cmdline string) (uki.Profile, error) {
	st, err := p.Stamp(ctx, g)
	if err != nil {
		return uki.Profile{}, err
	}
	stub, err := p.stub(ctx)
	if err != nil {
		return uki.Profile{}, err
	}
	kp, err := p.Pins.Get(kernel.PinName)
	if err != nil {
		return uki.Profile{}, err
	}
	return uki.Profile{Stub: stub, Version: st.Version, Uname: kp.Version, Cmdline: cmdline, Time: st.Epoch}, nil
}

// stub returns systemd-stub from the pinned systemd-boot-efi package.
func (p *Pipeline) stub(ctx context.Context) ([]byte, error) {
	pin, err := p.Pins.Get(uki.StubPin)
	if err != nil {
		return nil, err
	}
	path, err := p.Fetch.Get(ctx, pin)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	stub, err := uki.StubFromDeb(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return stub, nil
}
