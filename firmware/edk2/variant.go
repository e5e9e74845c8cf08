// Package edk2 builds Manx's OVMF firmware variants from the pinned EDK II
// source in the toolchain, at a fixed path, with build-order and stack-cookie
// leaks closed so each variant is byte-reproducible.
package edk2

// Variant is one OVMF build.
type Variant struct {
	Name    string   // ovmf-pflash, ovmf-pvvars, ovmf-amdsev
	DSC     string   // platform description, relative to the edk2 tree
	OutDir  string   // the DSC's OUTPUT_DIRECTORY
	Defines []string // build -D flags
	Outputs []string // files kept from Build/.../FV
	Summary string
}

// Variants are the firmware images Manx builds.
var Variants = []Variant{
	{
		Name: "ovmf-pflash", DSC: "OvmfPkg/OvmfPkgX64.dsc", OutDir: "Build/OvmfX64",
		Defines: []string{"SECURE_BOOT_ENABLE=TRUE", "TPM2_ENABLE=TRUE", "SMM_REQUIRE=TRUE"},
		Outputs: []string{"OVMF_CODE.fd", "OVMF_VARS.fd"},
		Summary: "Secure Boot + TPM2 + SMM; variables in secure pflash (q35,smm=on)",
	},
	{
		Name: "ovmf-pvvars", DSC: "OvmfPkg/OvmfPkgX64.dsc", OutDir: "Build/OvmfX64",
		Defines: []string{"SECURE_BOOT_ENABLE=TRUE", "TPM2_ENABLE=TRUE", "QEMU_PV_VARS=TRUE"},
		Outputs: []string{"OVMF.fd"},
		Summary: "Secure Boot + TPM2; variables in QEMU's host service (-device uefi-vars-x64)",
	},
	{
		Name: "ovmf-amdsev", DSC: "OvmfPkg/AmdSev/AmdSevX64.dsc", OutDir: "Build/AmdSev",
		Defines: []string{},
		Outputs: []string{"OVMF.fd"},
		Summary: "SEV-SNP measured direct boot (kernel hashes); -bios",
	},
}

// Find returns the named variant.
func Find(name string) (Variant, bool) {
	for _, v := range Variants {
		if v.Name == name {
			return v, true
		}
	}
	return Variant{}, false
}
