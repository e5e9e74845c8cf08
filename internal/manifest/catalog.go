package manifest

// Key names for Sources.Keys: the certificates of Manx's local key
// hierarchy (keys/, generated per machine).
const (
	KeyPK          = "pk"           // Secure Boot platform key
	KeyKEK         = "kek"          // Secure Boot key-exchange key
	KeyDB          = "db"           // Secure Boot db (signs UKIs and the kexec kernel)
	KeyOSPkgRoot   = "ospkg-root"   // stboot's OS-package trust root
	KeyOSPkgSigner = "ospkg-signer" // signs OS-package descriptors (issued by ospkg-root)
)

// X86_64 lists the artefacts hashes/x86_64.json records: every artefact
// whose bytes are reproducible given its inputs. Signed files are in it
// too: Manx's signatures are deterministic, and the publisher's signature
// log (uki/siglog) lets a rebuild without the private keys reproduce them.
// Test fixtures derived from them (the tampered UKI, the descriptors signed
// by the public-seed untrusted key) are left out.
//
// The last three paths (stboot UKI, OS package, SNP measurement table) follow
// the stages that write them; keep them in step with those stages.
func X86_64() []Spec {
	edk2 := []string{"edk2"}
	linux := []string{"linux"}
	uki := []string{"linux", "systemd-boot-efi"}
	return []Spec{
		{Name: "ovmf-pflash-code", Path: "firmware/ovmf-pflash/OVMF_CODE.fd", Pins: edk2},
		{Name: "ovmf-pflash-vars", Path: "firmware/ovmf-pflash/OVMF_VARS.fd", Pins: edk2},
		{Name: "ovmf-pvvars", Path: "firmware/ovmf-pvvars/OVMF.fd", Pins: edk2},
		{Name: "ovmf-amdsev", Path: "firmware/ovmf-amdsev/OVMF.fd", Pins: edk2},
		{Name: "varstore-blank-fd", Path: "varstore/OVMF_VARS_BLANK.fd"},
		{Name: "varstore-blank-json", Path: "varstore/OVMF_VARS_BLANK.json"},
		{Name: "varstore-ms-fd", Path: "varstore/OVMF_VARS_MS.fd", Keys: []string{KeyPK, KeyKEK}},
		{Name: "varstore-ms-json", Path: "varstore/OVMF_VARS_MS.json", Keys: []string{KeyPK, KeyKEK}},
		{Name: "varstore-custom-fd", Path: "varstore/OVMF_VARS_CUSTOM.fd", Keys: []string{KeyPK, KeyKEK, KeyDB}},
		{Name: "varstore-custom-json", Path: "varstore/OVMF_VARS_CUSTOM.json", Keys: []string{KeyPK, KeyKEK, KeyDB}},
		{Name: "kernel", Path: "kernel/bzImage", Pins: linux},
		{Name: "initramfs", Path: "userland/initramfs.cpio.gz"},
		{Name: "uki", Path: "uki/manx.efi", Pins: uki},
		{Name: "kernel-signed", Path: "kernel/bzImage.signed", Pins: linux, Keys: []string{KeyDB}},
		{Name: "uki-signed", Path: "uki/manx.signed.efi", Pins: uki, Keys: []string{KeyDB}},
		{Name: "uki-stboot", Path: "uki/stboot.efi", Pins: uki, Keys: []string{KeyOSPkgRoot}},
		{Name: "uki-stboot-signed", Path: "uki/stboot.signed.efi", Pins: uki, Keys: []string{KeyOSPkgRoot, KeyDB}},
		{Name: "ospkg", Path: "ospkg/manx.zip", Pins: linux, Keys: []string{KeyDB}},
		{Name: "ospkg-descriptor", Path: "ospkg/manx.json", Pins: linux, Keys: []string{KeyDB, KeyOSPkgSigner}},
		{Name: "snp-measurements", Path: "measure/snp.json", Pins: []string{"edk2", "linux"}},
	}
}
