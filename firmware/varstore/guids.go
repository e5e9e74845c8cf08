package varstore

import "github.com/foxboron/go-uefi/efi/signature"

// Well-known GUIDs. Values from the UEFI specification and edk2
// (MdePkg/MdeModulePkg/SecurityPkg .dec files), as listed in docs/varstore.md.
var (
	// ManxOwnerGUID is the signature owner of Manx's own PK/KEK/db entries.
	// Generated once at random for Manx; never change it (it is in every
	// store Manx has shipped).
	ManxOwnerGUID = GUID{Data1: 0x9d882462, Data2: 0xa0bb, Data3: 0x4b34, Data4: [8]byte{0x91, 0x31, 0x4d, 0x03, 0x64, 0x23, 0xbb, 0x72}}

	// MicrosoftOwnerGUID (gMicrosoftVendorGuid) owns Microsoft's entries.
	MicrosoftOwnerGUID = GUID{Data1: 0x77fa9abd, Data2: 0x0359, Data3: 0x4d32, Data4: [8]byte{0xbd, 0x60, 0x28, 0xf4, 0xe7, 0x8f, 0x78, 0x4b}}

	// PlaceholderDBXOwnerGUID owns the placeholder dbx entry; it is the owner
	// virt-firmware's --secure-boot and Debian's OVMF_VARS*.ms.fd use for
	// their dbx (and Debian for its own KEK entry).
	PlaceholderDBXOwnerGUID = GUID{Data1: 0xa0baa8a3, Data2: 0x041d, Data3: 0x48a8, Data4: [8]byte{0xbc, 0x87, 0xc3, 0x6d, 0x12, 0x1b, 0x5e, 0x3d}}

	// GlobalVariableGUID (EFI_GLOBAL_VARIABLE) holds PK, KEK, SecureBoot, SetupMode, Boot####.
	GlobalVariableGUID = GUID{Data1: 0x8be4df61, Data2: 0x93ca, Data3: 0x11d2, Data4: [8]byte{0xaa, 0x0d, 0x00, 0xe0, 0x98, 0x03, 0x2b, 0x8c}}

	// ImageSecurityDatabaseGUID (EFI_IMAGE_SECURITY_DATABASE_GUID) holds db and dbx.
	ImageSecurityDatabaseGUID = GUID{Data1: 0xd719b2cb, Data2: 0x3d3a, Data3: 0x4596, Data4: [8]byte{0xa3, 0xbc, 0xda, 0xd0, 0x0e, 0x67, 0x65, 0x6f}}

	// SecureBootEnableGUID (gEfiSecureBootEnableDisableGuid) holds SecureBootEnable.
	SecureBootEnableGUID = GUID{Data1: 0xf0a30bc7, Data2: 0xaf08, Data3: 0x4556, Data4: [8]byte{0x99, 0xc4, 0x00, 0x10, 0x09, 0xc9, 0x3a, 0x44}}

	// CustomModeGUID (gEfiCustomModeEnableGuid) holds CustomMode.
	CustomModeGUID = GUID{Data1: 0xc076ec0c, Data2: 0x7028, Data3: 0x4399, Data4: [8]byte{0xa0, 0x72, 0x71, 0xee, 0x5c, 0x44, 0x8b, 0x9f}}

	// CertDBGUID (gEfiCertDbGuid) holds certdb, created by the firmware.
	CertDBGUID = GUID{Data1: 0xd9bee56e, Data2: 0x75dc, Data3: 0x49d9, Data4: [8]byte{0xb4, 0xd7, 0xb5, 0x34, 0x21, 0x0f, 0x63, 0x7a}}

	// VendorKeysNvGUID (gEfiVendorKeysNvGuid) holds VendorKeysNv, created by edk2.
	VendorKeysNvGUID = GUID{Data1: 0x9073e4e0, Data2: 0x60ec, Data3: 0x4b6e, Data4: [8]byte{0x99, 0x03, 0x4c, 0x22, 0x3c, 0x26, 0x0f, 0x3c}}

	// SystemNvDataFvGUID (gEfiSystemNvDataFvGuid) is the FV file system GUID of the varstore.
	SystemNvDataFvGUID = GUID{Data1: 0xfff12b8d, Data2: 0x7696, Data3: 0x4c8b, Data4: [8]byte{0xa9, 0x85, 0x27, 0x47, 0x07, 0x5b, 0x4f, 0x50}}

	// AuthenticatedVariableGUID (gEfiAuthenticatedVariableGuid) marks a store of
	// AUTHENTICATED_VARIABLE_HEADER records; OVMF always uses it.
	AuthenticatedVariableGUID = GUID{Data1: 0xaaf32c78, Data2: 0x947b, Data3: 0x439a, Data4: [8]byte{0xa1, 0x80, 0x2e, 0x14, 0x4e, 0xc3, 0x77, 0x92}}

	// VariableGUID (gEfiVariableGuid) marks a store of plain VARIABLE_HEADER records.
	VariableGUID = GUID{Data1: 0xddcf3616, Data2: 0x3275, Data3: 0x4164, Data4: [8]byte{0x98, 0xb6, 0xfe, 0x85, 0x70, 0x7f, 0xfe, 0x7d}}

	// WorkingBlockSignatureGUID (gEdkiiWorkingBlockSignatureGuid) starts the FTW working block.
	WorkingBlockSignatureGUID = GUID{Data1: 0x9e58292b, Data2: 0x7c68, Data3: 0x497d, Data4: [8]byte{0xa0, 0xce, 0x65, 0x00, 0xfd, 0x9f, 0x1b, 0x95}}

	// CertX509GUID (EFI_CERT_X509_GUID) types an ESL of DER certificates.
	CertX509GUID = signature.CERT_X509_GUID

	// CertSHA256GUID (EFI_CERT_SHA256_GUID) types an ESL of SHA-256 digests.
	CertSHA256GUID = signature.CERT_SHA256_GUID
)

// guidNames gives the short names Describe prints after a GUID.
var guidNames = map[GUID]string{
	ManxOwnerGUID:             "Manx",
	MicrosoftOwnerGUID:        "Microsoft",
	PlaceholderDBXOwnerGUID:   "OVMF/virt-firmware default owner",
	GlobalVariableGUID:        "EFI global variable",
	ImageSecurityDatabaseGUID: "image security database",
	SecureBootEnableGUID:      "SecureBootEnable",
	CustomModeGUID:            "CustomMode",
	CertDBGUID:                "certdb",
	VendorKeysNvGUID:          "VendorKeysNv",
	CertX509GUID:              "X509",
	CertSHA256GUID:            "SHA256",
}
