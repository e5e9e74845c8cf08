//go:build mage

package main

import (
	"context"

	"github.com/magefile/mage/mg"

	"manx/deploy/profile"
	"manx/deploy/vm"
)

// Deploy boots a profile with the serial console on this terminal (Ctrl-A X quits).
type Deploy mg.Namespace

// Kernel boots the bare kernel (SeaBIOS, std VGA): it panics, having no root fs.
func (Deploy) Kernel(ctx context.Context) error { return deploy(ctx, "kernel") }

// KernelSerialonly boots the bare kernel with only a serial console.
func (Deploy) KernelSerialonly(ctx context.Context) error { return deploy(ctx, "kernel,serialonly") }

// KernelInitramfs boots the kernel and the Go userland: Manx's cat on screen, a shell on serial.
func (Deploy) KernelInitramfs(ctx context.Context) error { return deploy(ctx, "kernel,initramfs") }

// Microvm boots the kernel and userland on QEMU's microvm machine (serial only).
func (Deploy) Microvm(ctx context.Context) error {
	return deploy(ctx, "microvm,kernel,initramfs,serialonly")
}

// FwKernel boots our OVMF (SMM, pflash, blank store) and the bare kernel: no-root panic.
func (Deploy) FwKernel(ctx context.Context) error { return deploy(ctx, "fw,kernel") }

// FwKernelInitramfs boots our OVMF with the kernel and the Go userland (direct boot).
func (Deploy) FwKernelInitramfs(ctx context.Context) error { return deploy(ctx, "fw,kernel,initramfs") }

// FwKernelInitramfsUki boots the unsigned UKI from an ESP with Secure Boot off (blank store).
func (Deploy) FwKernelInitramfsUki(ctx context.Context) error {
	return deploy(ctx, "fw,kernel,initramfs,uki")
}

// UkiSbFail boots the signed UKI with the Microsoft store: the firmware refuses it.
func (Deploy) UkiSbFail(ctx context.Context) error { return deploy(ctx, "uki,sb-fail") }

// UkiSbPass boots the signed UKI with Secure Boot on (custom store in pflash).
func (Deploy) UkiSbPass(ctx context.Context) error { return deploy(ctx, "uki,sb-pass") }

// UkiSbPassTpm boots the signed UKI under Secure Boot with swtpm and checks PCRs 4, 7, 9 and 11 against the prediction.
func (Deploy) UkiSbPassTpm(ctx context.Context) error { return deploy(ctx, "uki,sb-pass,tpm") }

// UkiSbPassTpmUnseal boots the UKI with a signed PCR policy: the secret sealed to the persistent TPM unseals, its TOTP code is right.
func (Deploy) UkiSbPassTpmUnseal(ctx context.Context) error {
	return deploy(ctx, "uki,sb-pass,tpm,unseal")
}

// UkiSbOffTpmUnseal boots that UKI with Secure Boot off: PCR 7 differs, the TPM refuses to unseal.
func (Deploy) UkiSbOffTpmUnseal(ctx context.Context) error {
	return deploy(ctx, "uki,sb-off,tpm,unseal")
}

// UkiOtherPcrKeyTpmUnseal boots a UKI whose .pcrsig another key made: refused.
func (Deploy) UkiOtherPcrKeyTpmUnseal(ctx context.Context) error {
	return deploy(ctx, "uki,other-pcr-key,tpm,unseal")
}

// UkiUpdatedTpmUnseal boots an updated UKI signed with the same PCR key: the same secret unseals without re-sealing.
func (Deploy) UkiUpdatedTpmUnseal(ctx context.Context) error {
	return deploy(ctx, "uki,updated,tpm,unseal")
}

// StbootThreshold2 boots stboot (threshold 2) against a descriptor signed with all one root key holder has: refused.
func (Deploy) StbootThreshold2(ctx context.Context) error {
	return deploy(ctx, "fw,kernel,initramfs,stboot,threshold-2")
}

// ImageSbPass boots build/image/manx.raw under Secure Boot: systemd-boot, the signed UKI, the dm-verity root, the boot marked good.
func (Deploy) ImageSbPass(ctx context.Context) error { return deploy(ctx, "image,sb-pass") }

// ImageVerityTamper boots the disk with one byte of root A flipped: dm-verity refuses it on every try, boot counting runs out, nothing is blessed.
func (Deploy) ImageVerityTamper(ctx context.Context) error { return deploy(ctx, "image,verity-tamper") }

// ImageUpdate boots the disk, updates it over HTTP to version 3 in slot B, reboots into B, which is blessed.
func (Deploy) ImageUpdate(ctx context.Context) error { return deploy(ctx, "image,update") }

// ImageUpdateBad installs an update that never reaches ready: three tries, then systemd-boot falls back to A, which reports it.
func (Deploy) ImageUpdateBad(ctx context.Context) error { return deploy(ctx, "image,update-bad") }

// ImageUpdateRollback offers a properly signed older version: refused before anything is written.
func (Deploy) ImageUpdateRollback(ctx context.Context) error {
	return deploy(ctx, "image,update-rollback")
}

// UkiSbPassPvvars boots the signed UKI with Secure Boot on, the store in QEMU's uefi-vars device.
func (Deploy) UkiSbPassPvvars(ctx context.Context) error { return deploy(ctx, "uki,sb-pass,pvvars") }

// UkiSbPassVirtio boots the signed UKI with Secure Boot on and virtio-gpu: the cat on screen.
func (Deploy) UkiSbPassVirtio(ctx context.Context) error { return deploy(ctx, "uki,sb-pass,virtio") }

// Snp boots the SEV-SNP guest (AmdSev OVMF, kernel hashes); refuses on a host without SNP.
func (Deploy) Snp(ctx context.Context) error { return deploy(ctx, "snp") }

// Profile boots any profile by ID, e.g. `deploy:profile uki,sb-pass`.
func (Deploy) Profile(ctx context.Context, id string) error { return deploy(ctx, id) }

// Stboot boots the stboot initramfs (Secure Boot off) against the host's OS package server: it kexecs Manx.
func (Deploy) Stboot(ctx context.Context) error { return deploy(ctx, "fw,kernel,initramfs,stboot") }

// StbootSbPass boots the signed stboot UKI with Secure Boot on and forced lockdown: it kexecs the kexec-key-signed Manx.
func (Deploy) StbootSbPass(ctx context.Context) error {
	return deploy(ctx, "fw,kernel,initramfs,stboot,sb-pass")
}

// StbootKexecUnsigned serves a properly signed OS package with an unsigned kernel: kexec_file_load refuses it.
func (Deploy) StbootKexecUnsigned(ctx context.Context) error {
	return deploy(ctx, "stboot,kexec-unsigned")
}

// StbootKexecDbOnly serves a properly signed OS package whose kernel db signed, not the kexec key: refused.
func (Deploy) StbootKexecDbOnly(ctx context.Context) error {
	return deploy(ctx, "stboot,kexec-db-only")
}

// BareKernelSb offers the signed kernel to the firmware as BOOTX64.EFI (Secure Boot on): Access Denied.
func (Deploy) BareKernelSb(ctx context.Context) error { return deploy(ctx, "bare-kernel,sb") }

// BareKernelUnsignedSb offers the unsigned kernel as BOOTX64.EFI (Secure Boot on): Access Denied.
func (Deploy) BareKernelUnsignedSb(ctx context.Context) error {
	return deploy(ctx, "bare-kernel-unsigned,sb")
}

// MsShimOrMsSigned boots Debian's Microsoft-signed shim with the Microsoft store (Secure Boot on): shim runs.
func (Deploy) MsShimOrMsSigned(ctx context.Context) error { return deploy(ctx, "ms,shim-or-ms-signed") }

// CustomShimMsSignedSbFail boots Debian's Microsoft-signed shim with the custom store: Access Denied.
func (Deploy) CustomShimMsSignedSbFail(ctx context.Context) error {
	return deploy(ctx, "custom,shim-ms-signed,sb-fail")
}

// Check builds what a profile boots, boots it headless and asserts its outcome, e.g. `deploy:check kernel,initramfs`.
func (Deploy) Check(ctx context.Context, id string) error { return vmRun(ctx, id, true) }

func deploy(ctx context.Context, id string) error { return vmRun(ctx, id, false) }

// vmRun builds what profile id boots, then boots it headless (check) or
// for a person at this terminal.
func vmRun(ctx context.Context, id string, check bool) error {
	prof, err := profile.Find(id)
	if err != nil {
		return err
	}
	p, err := newPipeline()
	if err != nil {
		return err
	}
	if err := p.Build(ctx, vm.Groups(prof)...); err != nil {
		return err
	}
	c := vm.FromEnv(p.Env, p.Log)
	if check {
		_, err = vm.Check(ctx, c, prof)
		return err
	}
	return vm.Interactive(ctx, c, prof)
}
