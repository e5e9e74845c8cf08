package app

import (
	"bytes"
	"context"
	"crypto/x509"
	"debug/pe"
	"fmt"
	"os"
	"path/filepath"

	"manx/firmware/varstore"
	"manx/internal/deb"
	"manx/internal/recipe"
	"manx/uki/keys"
	"manx/uki/siglog"
	"manx/uki/sign"
)

// Build outputs of the Secure Boot chain.
const (
	VarStoreDir  = "varstore"
	UKIUnsigned  = "uki/manx.efi"
	UKISigned    = "uki/manx.signed.efi"
	UKITampered  = "uki/manx.tampered.efi"
	KernelSigned = "kernel/bzImage.signed"
	stubPin      = "systemd-boot-efi"
	stubPath     = "usr/lib/systemd/boot/efi/linuxx64.efi.stub"
	// UKICmdline is the signed command line: serial last (the userland's
	// console), lockdown on so kexec_file_load demands a db-signed kernel.
	UKICmdline = "console=tty0 console=ttyS0 panic=-1 vt.global_cursor_default=0 lockdown=integrity"
)

// KeysDir is where the Secure Boot and stboot keys live (git-ignored).
func (a *App) KeysDir() string {
	if d := os.Getenv("MANX_KEYS_DIR"); d != "" {
		return d
	}
	return filepath.Join(a.Env.Root, "keys")
}

// EnvReplaySignatures names a published signature log (uki/siglog). When
// it is set the build holds no private key: it signs by replaying the
// publisher's signatures, so the signed and key-bearing artefacts come out
// as the publisher's or the build fails naming the signature it lacks.
const EnvReplaySignatures = "MANX_REPLAY_SIGNATURES"

// Keys returns the key hierarchy the build signs with, loaded once per
// process: the replayed publisher's set when EnvReplaySignatures is set,
// else keys/ (generated, with a loud warning, when it holds none of it),
// recording every signature for Hashes.
func (a *App) Keys() (*keys.Set, error) {
	a.keysOnce.Do(func() {
		if p := os.Getenv(EnvReplaySignatures); p != "" {
			if a.sigs, a.keysErr = siglog.Read(p); a.keysErr != nil {
				return
			}
			a.keySet, a.keysErr = a.sigs.Replay()
			a.Log.Info("Signing by replaying published signatures: no private keys are used", "log", p,
				"signatures", len(a.sigs.Entries()))
			return
		}
		ks, err := keys.Ensure(a.KeysDir(), a.Env.Epoch, a.Log)
		if err != nil {
			a.keysErr = err
			return
		}
		a.keySet, a.sigs, a.keysErr = siglog.Record(ks)
	})
	return a.keySet, a.keysErr
}

// VarStores writes the blank, Microsoft and custom stores in both forms.
func (a *App) VarStores() ([]recipe.Artefact, error) {
	ks, err := a.Keys()
	if err != nil {
		return nil, err
	}
	certs := varstore.Certs{
		PK:  ks.PK.Certificate(),
		KEK: []*x509.Certificate{ks.KEK.Certificate()},
		DB:  []*x509.Certificate{ks.DB.Certificate()},
	}
	if err := os.MkdirAll(a.Env.Path(VarStoreDir), 0o755); err != nil {
		return nil, err
	}
	paths, err := varstore.WriteAll(a.Env.Path(VarStoreDir), certs, a.Env.Epoch)
	if err != nil {
		return nil, fmt.Errorf("writing variable stores: %w", err)
	}
	var arts []recipe.Artefact
	for _, p := range paths {
		x, err := recipe.Describe(p)
		if err != nil {
			return nil, err
		}
		arts = append(arts, x)
	}
	return arts, nil
}

// Stub returns systemd-stub from the pinned systemd-boot-efi package.
func (a *App) Stub(ctx context.Context) ([]byte, error) {
	p, err := a.Pins.Get(stubPin)
	if err != nil {
		return nil, err
	}
	path, err := a.Fetch.Get(ctx, p)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	files, err := deb.Extract(f, stubPath)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return files[stubPath], nil
}

// UKIs builds the unsigned UKI (reproducible), its signed copy (identical
// given the same db key), a copy with one byte of .linux flipped (for the
// refusal check) and the db-signed kernel (for kexec under lockdown).
func (a *App) UKIs(ctx context.Context) ([]recipe.Artefact, error) {
	k, err := a.Kernel(ctx)
	if err != nil {
		return nil, err
	}
	ird, err := a.Initramfs(ctx)
	if err != nil {
		return nil, err
	}
	ks, err := a.Keys()
	if err != nil {
		return nil, err
	}
	kb, err := os.ReadFile(k.Path)
	if err != nil {
		return nil, err
	}
	ib, err := os.ReadFile(ird.Path)
	if err != nil {
		return nil, err
	}
	unsigned, err := a.assembleUKI(ctx, kb, ib, UKICmdline)
	if err != nil {
		return nil, err
	}
	// Each output is written as soon as it exists: a build that cannot
	// sign one input (a replayed signature log that lacks it, because it
	// differs from the published one) still leaves the others to compare.
	arts, err := a.writeOutputs([]output{{UKIUnsigned, unsigned}})
	if err != nil {
		return arts, err
	}
	sk, err := a.SignedKernel(ctx)
	if arts = append(arts, sk...); err != nil {
		return arts, err
	}
	signed, err := sign.SignPE(unsigned, ks.DB)
	if err != nil {
		return arts, fmt.Errorf("signing the UKI: %w", err)
	}
	tampered, err := flipInSection(signed, ".linux")
	if err != nil {
		return arts, err
	}
	more, err := a.writeOutputs([]output{{UKISigned, signed}, {UKITampered, tampered}})
	return append(arts, more...), err
}

// SignedKernel writes the kernel signed with db (KernelSigned), which
// kexec_file_load accepts under lockdown.
func (a *App) SignedKernel(ctx context.Context) ([]recipe.Artefact, error) {
	k, err := a.Kernel(ctx)
	if err != nil {
		return nil, err
	}
	ks, err := a.Keys()
	if err != nil {
		return nil, err
	}
	kb, err := os.ReadFile(k.Path)
	if err != nil {
		return nil, err
	}
	signed, err := sign.SignPE(kb, ks.DB)
	if err != nil {
		return nil, fmt.Errorf("signing the kernel with db: %w", err)
	}
	return a.writeOutputs([]output{{KernelSigned, signed}})
}

// flipInSection returns a copy of a PE file with one byte in the middle of
// the named section inverted.
func flipInSection(b []byte, name string) ([]byte, error) {
	f, err := pe.NewFile(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("parsing PE: %w", err)
	}
	s := f.Section(name)
	if s == nil || s.Size == 0 {
		return nil, fmt.Errorf("PE has no %s section", name)
	}
	out := append([]byte(nil), b...)
	out[int(s.Offset)+int(s.Size)/2] ^= 0xff
	return out, nil
}
