package pipeline

import (
	"context"
	"encoding/pem"

	"manx/catalog"
	"manx/internal/toolchain"
	"manx/kernel"
)

// kernel builds catalog.Kernel and catalog.KernelConfig from the pinned
// Linux sources (or with Nix under MANX_TOOLCHAIN=nix), its builtin
// trusted keyring holding the kexec certificate.
func (p *Pipeline) kernel(ctx context.Context) error {
	e, err := p.recipeEnv(ctx, catalog.GroupKernel)
	if err != nil {
		return err
	}
	if nix, err := toolchain.AsNix(e.Toolchain); err == nil {
		return p.nixBuild(ctx, nix, "kernel", catalog.OfStage("kernel"))
	}
	cert, err := p.kexecCert()
	if err != nil {
		return err
	}
	_, err = kernel.Build(ctx, e, catalog.Kernel.Dir(), cert)
	return err
}

// kexecCert is the kexec key's certificate, PEM: the kernel trusts it (and
// nothing the firmware trusts) for kexec_file_load.
func (p *Pipeline) kexecCert() ([]byte, error) {
	ks, err := p.Keys()
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ks.Kexec.Certificate().Raw}), nil
}
