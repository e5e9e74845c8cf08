package catalog

import (
	"fmt"
	"strings"
)

// Pin sets.
var (
	pinsEDK2  = []string{"edk2"}
	pinsLinux = []string{"linux"}
	pinsUKI   = []string{"linux", "systemd-boot-efi"}
	pinsSNP   = []string{"edk2", "linux"}
	// keysKernel: the artefact holds the kernel, which embeds the kexec
	// certificate.
	keysKernel   = []Key{KeyKexec}
	keysKernelDB = []Key{KeyKexec, KeyDB}
	// keysKernelDBPCR: a db-signed UKI with the PCR policy key's .pcrpkey
	// and .pcrsig.
	keysKernelDBPCR = []Key{KeyKexec, KeyDB, KeyPCRPolicy}
	// keysImage: an image root holds the OS-package root certificate;
	// with DB, the artefact holds the db-signed UKI (and the kernel);
	// update descriptors are signed by the OS-package signer.
	keysImage       = []Key{KeyOSPkgRoot}
	keysImageDB     = []Key{KeyKexec, KeyDB, KeyOSPkgRoot}
	keysImageUpdate = []Key{KeyKexec, KeyDB, KeyOSPkgRoot, KeyOSPkgSigner}
	keysStores      = map[string][]Key{
		"blank":  nil,
		"ms":     {KeyPK, KeyKEK},
		"custom": {KeyPK, KeyKEK, KeyDB},
	}
)

// Firmware: one recipe stage per OVMF variant (manx/firmware/edk2), each
// writing its files into one directory.
var (
	OVMFPflashCode = Artefact{Name: "ovmf-pflash-code", Path: "firmware/ovmf-pflash/OVMF_CODE.fd", Group: GroupFirmware, Stage: "ovmf-pflash", Pins: pinsEDK2, Published: true}
	OVMFPflashVars = Artefact{Name: "ovmf-pflash-vars", Path: "firmware/ovmf-pflash/OVMF_VARS.fd", Group: GroupFirmware, Stage: "ovmf-pflash", Pins: pinsEDK2, Published: true}
	OVMFPVVars     = Artefact{Name: "ovmf-pvvars", Path: "firmware/ovmf-pvvars/OVMF.fd", Group: GroupFirmware, Stage: "ovmf-pvvars", Pins: pinsEDK2, Published: true}
	OVMFAmdSev     = Artefact{Name: "ovmf-amdsev", Path: "firmware/ovmf-amdsev/OVMF.fd", Group: GroupFirmware, Stage: "ovmf-amdsev", Pins: pinsEDK2, Published: true}
)

// Kernel and userland.
var (
	// Kernel embeds the kexec certificate in its builtin trusted keyring.
	Kernel       = Artefact{Name: "kernel", Path: "kernel/bzImage", Group: GroupKernel, Stage: "kernel", Pins: pinsLinux, Keys: keysKernel, Published: true}
	KernelConfig = Artefact{Name: "kernel-config", Path: "kernel/config", Group: GroupKernel, Stage: "kernel", Pins: pinsLinux}
	Initramfs    = Artefact{Name: "initramfs", Path: "userland/initramfs.cpio.gz", Group: GroupInitramfs, Published: true}
)

// The Secure Boot chain: UKIs on systemd-stub, signed with db (what the
// firmware runs), and the kernel signed with the kexec key (what stboot
// kexecs; the firmware refuses it).
var (
	UKI          = Artefact{Name: "uki", Path: "uki/manx.efi", Group: GroupUKI, Pins: pinsUKI, Keys: keysKernel, Published: true}
	UKISigned    = Artefact{Name: "uki-signed", Path: "uki/manx.signed.efi", Group: GroupUKI, Pins: pinsUKI, Keys: keysKernelDB, Published: true}
	KernelSigned = Artefact{Name: "kernel-signed", Path: "kernel/bzImage.signed", Group: GroupUKI, Pins: pinsLinux, Keys: keysKernel, Published: true}
	// UKITampered is UKISigned with one byte of .linux flipped: the
	// refusal fixture of the uki,sb-pass,tampered profile.
	UKITampered = Artefact{Name: "uki-tampered", Path: "uki/manx.tampered.efi", Group: GroupUKI, Pins: pinsUKI, Keys: keysKernelDB}
	// KernelDBSigned is the kernel signed with db alone: a refusal
	// fixture (the firmware would run it; kexec_file_load must not).
	KernelDBSigned = Artefact{Name: "kernel-db-signed", Path: "kernel/bzImage.db-signed", Group: GroupUKI, Pins: pinsLinux, Keys: keysKernelDB}
)

// Measured boot: db-signed UKIs carrying a signed PCR policy (.pcrpkey,
// the PCR policy key's public key, and .pcrsig, its signatures over the
// PCR 11 values predicted for the "enter-initrd" phase). A secret sealed
// with PolicyAuthorize to that key unseals under any of them whose PCR 11
// matches a signed value.
var (
	UKIPCRSigned = Artefact{Name: "uki-pcr-signed", Path: "uki/manx.pcr.signed.efi", Group: GroupUKI, Pins: pinsUKI, Keys: keysKernelDBPCR}
	// UKIPCRUpdated is an update: the initramfs gains a file, so PCR 11
	// changes, and the same key signs the new value.
	UKIPCRUpdated = Artefact{Name: "uki-pcr-updated-signed", Path: "uki/manx.pcr-updated.signed.efi", Group: GroupUKI, Pins: pinsUKI, Keys: keysKernelDBPCR}
	// UKIPCROtherKey carries Manx's .pcrpkey but a .pcrsig made with
	// another key (manx/tpm/pcrsig/pcrsigtest's public test key): a
	// refusal fixture.
	UKIPCROtherKey = Artefact{Name: "uki-pcr-other-key-signed", Path: "uki/manx.pcr-other-key.signed.efi", Group: GroupUKI, Pins: pinsUKI, Keys: keysKernelDBPCR}
)

// stboot: the signed OS package, the stboot initramfs variants and UKIs.
var (
	Ospkg           = Artefact{Name: "ospkg", Path: "ospkg/manx.zip", Group: GroupStboot, Pins: pinsLinux, Keys: keysKernel, Published: true}
	OspkgDescriptor = Artefact{Name: "ospkg-descriptor", Path: "ospkg/manx.json", Group: GroupStboot, Pins: pinsLinux, Keys: []Key{KeyKexec, KeyOSPkgSigner}, Published: true}
	// OspkgUntrusted is signed only by a signer outside the stboot trust
	// root (manx/ospkg/ospkgtest's public-seed key).
	OspkgUntrusted = Artefact{Name: "ospkg-descriptor-untrusted", Path: "ospkg/manx-untrusted.json", Group: GroupStboot, Pins: pinsLinux, Keys: keysKernel}
	// OspkgOneOfTwo carries two signatures, one valid (the stboot signer)
	// and one untrusted: one valid signature where a policy wants two.
	OspkgOneOfTwo = Artefact{Name: "ospkg-descriptor-one-of-two", Path: "ospkg/manx-one-of-two.json", Group: GroupStboot, Pins: pinsLinux, Keys: []Key{KeyKexec, KeyOSPkgSigner}}
	// OspkgZipAltered carries OspkgDescriptor's signatures, but its
	// os_pkg_sha256 is the SHA-256 of manx.zip as osserver's Flip fault
	// serves it: the digest matches the altered zip, so only the signatures
	// (over the original statement) can refuse it.
	OspkgZipAltered = Artefact{Name: "ospkg-descriptor-zip-altered", Path: "ospkg/manx-zip-altered.json", Group: GroupStboot, Pins: pinsLinux, Keys: []Key{KeyKexec, KeyOSPkgSigner}}
	// OspkgExpired is manx.zip properly signed by the stboot signer with
	// not_after a day before the build's SOURCE_DATE_EPOCH.
	OspkgExpired = Artefact{Name: "ospkg-descriptor-expired", Path: "ospkg/manx-expired.json", Group: GroupStboot, Pins: pinsLinux, Keys: []Key{KeyKexec, KeyOSPkgSigner}}
	// OspkgVersion1..3 are manx.zip signed by the stboot signer with
	// pkg_version 1, 2 and 3: the rollback profile boots 2, is refused 1,
	// then boots 3.
	OspkgVersion1 = Artefact{Name: "ospkg-descriptor-version-1", Path: "ospkg/manx-version-1.json", Group: GroupStboot, Pins: pinsLinux, Keys: []Key{KeyKexec, KeyOSPkgSigner}}
	OspkgVersion2 = Artefact{Name: "ospkg-descriptor-version-2", Path: "ospkg/manx-version-2.json", Group: GroupStboot, Pins: pinsLinux, Keys: []Key{KeyKexec, KeyOSPkgSigner}}
	OspkgVersion3 = Artefact{Name: "ospkg-descriptor-version-3", Path: "ospkg/manx-version-3.json", Group: GroupStboot, Pins: pinsLinux, Keys: []Key{KeyKexec, KeyOSPkgSigner}}
	// OspkgOneRoot is manx.zip signed with all one root key holder has:
	// the root itself, the signer, and the signer's key under a second
	// certificate the root minted (ospkgtest.OneRootDescriptor): one valid
	// signature under a threshold of 2.
	OspkgOneRoot = Artefact{Name: "ospkg-descriptor-one-root", Path: "ospkg/manx-one-root.json", Group: GroupStboot, Pins: pinsLinux, Keys: []Key{KeyKexec, KeyOSPkgRoot, KeyOSPkgSigner}}
	// OspkgKexecUnsigned is an OS package, properly signed by the stboot
	// signer, whose kernel is not signed at all; OspkgKexecDB's kernel is
	// signed by db but not by the kexec key. kexec_file_load refuses both.
	OspkgKexecUnsigned           = Artefact{Name: "ospkg-kexec-unsigned", Path: "ospkg/manx-kexec-unsigned.zip", Group: GroupStboot, Pins: pinsLinux, Keys: keysKernel}
	OspkgKexecUnsignedDescriptor = Artefact{Name: "ospkg-kexec-unsigned-descriptor", Path: "ospkg/manx-kexec-unsigned.json", Group: GroupStboot, Pins: pinsLinux, Keys: []Key{KeyKexec, KeyOSPkgSigner}}
	OspkgKexecDB                 = Artefact{Name: "ospkg-kexec-db", Path: "ospkg/manx-kexec-db.zip", Group: GroupStboot, Pins: pinsLinux, Keys: keysKernelDB}
	OspkgKexecDBDescriptor       = Artefact{Name: "ospkg-kexec-db-descriptor", Path: "ospkg/manx-kexec-db.json", Group: GroupStboot, Pins: pinsLinux, Keys: []Key{KeyKexec, KeyDB, KeyOSPkgSigner}}
	// StbootInitramfs is the stboot initramfs: host.json (threshold 1)
	// and the stboot root certificate.
	StbootInitramfs = Artefact{Name: "stboot-initramfs", Path: "stboot/initramfs.cpio.gz", Group: GroupStboot, Keys: []Key{KeyOSPkgRoot}}
	// StbootInitramfsThreshold2 differs only in host.json's
	// signature_threshold, 2.
	StbootInitramfsThreshold2 = Artefact{Name: "stboot-initramfs-threshold2", Path: "stboot/initramfs-threshold2.cpio.gz", Group: GroupStboot, Keys: []Key{KeyOSPkgRoot}}
	StbootUKI                 = Artefact{Name: "uki-stboot", Path: "uki/stboot.efi", Group: GroupStboot, Pins: pinsUKI, Keys: []Key{KeyKexec, KeyOSPkgRoot}, Published: true}
	StbootUKISigned           = Artefact{Name: "uki-stboot-signed", Path: "uki/stboot.signed.efi", Group: GroupStboot, Pins: pinsUKI, Keys: []Key{KeyKexec, KeyOSPkgRoot, KeyDB}, Published: true}
)

// The image-based OS: the userland as a read-only erofs root, its
// dm-verity hash device, the db-signed UKI whose command line carries the
// root hash, the db-signed systemd-boot and the GPT disk that holds them
// (ESP, A/B root and verity partitions). The root holds the OS-package
// root certificate updates are verified against.
var (
	ImageRoot       = Artefact{Name: "image-root", Path: "image/root.erofs", Group: GroupImage, Keys: keysImage}
	ImageRootVerity = Artefact{Name: "image-root-verity", Path: "image/root.verity", Group: GroupImage, Keys: keysImage}
	ImageUKI        = Artefact{Name: "image-uki-signed", Path: "image/manx.signed.efi", Group: GroupImage, Pins: pinsUKI, Keys: keysImageDB}
	ImageBoot       = Artefact{Name: "image-systemd-boot-signed", Path: "image/systemd-bootx64.signed.efi", Group: GroupImage, Pins: []string{"systemd-boot-efi"}, Keys: []Key{KeyDB}}
	ImageDisk       = Artefact{Name: "image-disk", Path: "image/manx.raw", Group: GroupImage, Pins: pinsUKI, Keys: keysImageDB, Published: true}
	// ImageDiskTampered is the disk with one byte of root A flipped (in
	// the erofs superblock) after the build: dm-verity refuses the block.
	ImageDiskTampered = Artefact{Name: "image-disk-tampered", Path: "image/manx.tampered.raw", Group: GroupImage, Pins: pinsUKI, Keys: keysImageDB}
	// ImageUpdate is the next image version's update bundle (root, hash
	// device, UKI) and its descriptor, signed by the OS-package signer.
	ImageUpdate           = Artefact{Name: "image-update", Path: "image/update.zip", Group: GroupImage, Pins: pinsUKI, Keys: keysImageDB}
	ImageUpdateDescriptor = Artefact{Name: "image-update-descriptor", Path: "image/update.json", Group: GroupImage, Pins: pinsUKI, Keys: keysImageUpdate}
	// ImageUpdateBad is that version with a UKI whose init does not exist:
	// it never reaches ready, so it is never blessed.
	ImageUpdateBad           = Artefact{Name: "image-update-bad", Path: "image/update-bad.zip", Group: GroupImage, Pins: pinsUKI, Keys: keysImageDB}
	ImageUpdateBadDescriptor = Artefact{Name: "image-update-bad-descriptor", Path: "image/update-bad.json", Group: GroupImage, Pins: pinsUKI, Keys: keysImageUpdate}
	// ImageUpdateOld is a properly signed update to an older version.
	ImageUpdateOld           = Artefact{Name: "image-update-old", Path: "image/update-old.zip", Group: GroupImage, Pins: pinsUKI, Keys: keysImageDB}
	ImageUpdateOldDescriptor = Artefact{Name: "image-update-old-descriptor", Path: "image/update-old.json", Group: GroupImage, Pins: pinsUKI, Keys: keysImageUpdate}
)

// SNPMeasurements is the SEV-SNP launch measurement table (vCPUs x types).
var SNPMeasurements = Artefact{Name: "snp-measurements", Path: "measure/snp.json", Group: GroupMeasure, Pins: pinsSNP, Keys: keysKernel, Published: true}

// Variable stores: three kinds (blank, ms, custom) in two forms (raw .fd,
// QEMU uefi-vars .json). The file names are manx/firmware/varstore's
// FileName; a test keeps the two equal.
var varStores = func() []Artefact {
	var out []Artefact
	for _, kind := range []string{"blank", "ms", "custom"} {
		for _, form := range []string{"fd", "json"} {
			out = append(out, Artefact{
				Name: "varstore-" + kind + "-" + form, Path: "varstore/" + varStoreFile(kind, form),
				Group: GroupVarStore, Keys: keysStores[kind], Published: true,
			})
		}
	}
	return out
}()

// varStoreFile is "OVMF_VARS_<KIND>.<form>".
func varStoreFile(kind, form string) string {
	return "OVMF_VARS_" + strings.ToUpper(kind) + "." + form
}

// VarStore returns the store of kind (blank, ms, custom) in form (fd, json).
func VarStore(kind, form string) (Artefact, error) {
	return Find("varstore-" + kind + "-" + form)
}

// All lists every artefact of the x86_64 build.
func All() []Artefact {
	out := []Artefact{OVMFPflashCode, OVMFPflashVars, OVMFPVVars, OVMFAmdSev}
	out = append(out, varStores...)
	return append(out,
		Kernel, KernelConfig, Initramfs,
		UKI, KernelSigned, UKISigned, UKITampered, KernelDBSigned,
		UKIPCRSigned, UKIPCRUpdated, UKIPCROtherKey,
		Ospkg, OspkgDescriptor, OspkgUntrusted, OspkgOneOfTwo, OspkgZipAltered, OspkgExpired, OspkgOneRoot, OspkgVersion1, OspkgVersion2, OspkgVersion3,
		OspkgKexecUnsigned, OspkgKexecUnsignedDescriptor, OspkgKexecDB, OspkgKexecDBDescriptor,
		StbootInitramfs, StbootInitramfsThreshold2, StbootUKI, StbootUKISigned,
		SNPMeasurements,
		ImageRoot, ImageRootVerity, ImageUKI, ImageBoot, ImageDisk, ImageDiskTampered,
		ImageUpdate, ImageUpdateDescriptor, ImageUpdateBad, ImageUpdateBadDescriptor, ImageUpdateOld, ImageUpdateOldDescriptor,
	)
}

// Published lists the artefacts hashes/x86_64.json records.
func Published() []Artefact { return filter(func(a Artefact) bool { return a.Published }) }

// InGroup lists the artefacts group g builds.
func InGroup(g Group) []Artefact { return filter(func(a Artefact) bool { return a.Group == g }) }

// OfStage lists the artefacts the recipe stage named stage writes.
func OfStage(stage string) []Artefact {
	return filter(func(a Artefact) bool { return a.Stage == stage })
}

// filter lists the artefacts keep accepts, in catalogue order.
func filter(keep func(Artefact) bool) []Artefact {
	var out []Artefact
	for _, a := range All() {
		if keep(a) {
			out = append(out, a)
		}
	}
	return out
}

// Find returns the artefact called name.
func Find(name string) (Artefact, error) {
	for _, a := range All() {
		if a.Name == name {
			return a, nil
		}
	}
	return Artefact{}, fmt.Errorf("no artefact %q in the catalogue", name)
}
