package ovmf

import "fmt"

// GUID is a GUID in its on-disk (mixed-endian) byte order: the first three fields
// little-endian, the last eight bytes as they are.
type GUID [16]byte

// Well-known GUIDs of the OVMF footer table, in on-disk byte order. The canonical
// form is given beside each one; TestGUIDString checks them.
var (
	// GUIDFooter marks the footer GUID table: 96b582de-1fb2-45f7-baea-a366c55a082d.
	GUIDFooter = GUID{0xde, 0x82, 0xb5, 0x96, 0xb2, 0x1f, 0xf7, 0x45, 0xba, 0xea, 0xa3, 0x66, 0xc5, 0x5a, 0x08, 0x2d}
	// GUIDSEVMetadata holds the distance from the end of the image to the SEV
	// metadata header: dc886566-984a-4798-a75e-5585a7bf67cc.
	GUIDSEVMetadata = GUID{0x66, 0x65, 0x88, 0xdc, 0x4a, 0x98, 0x98, 0x47, 0xa7, 0x5e, 0x55, 0x85, 0xa7, 0xbf, 0x67, 0xcc}
	// GUIDSEVHashTable holds the base GPA and size of the kernel/initrd/cmdline hash
	// table area: 7255371f-3a3b-4b04-927b-1da6efa8d454.
	GUIDSEVHashTable = GUID{0x1f, 0x37, 0x55, 0x72, 0x3b, 0x3a, 0x04, 0x4b, 0x92, 0x7b, 0x1d, 0xa6, 0xef, 0xa8, 0xd4, 0x54}
	// GUIDSEVESResetBlock holds the SEV-ES AP reset address:
	// 00f771de-1a7e-4fcb-890e-68c77e2fb44e.
	GUIDSEVESResetBlock = GUID{0xde, 0x71, 0xf7, 0x00, 0x7e, 0x1a, 0xcb, 0x4f, 0x89, 0x0e, 0x68, 0xc7, 0x7e, 0x2f, 0xb4, 0x4e}
	// GUIDSEVSecretBlock holds the base and size of the SEV/SEV-ES launch secret
	// area: 4c2eb361-7d9b-4cc3-8081-127c90d3d294.
	GUIDSEVSecretBlock = GUID{0x61, 0xb3, 0x2e, 0x4c, 0x9b, 0x7d, 0xc3, 0x4c, 0x80, 0x81, 0x12, 0x7c, 0x90, 0xd3, 0xd2, 0x94}
	// GUIDTDXMetadata points at Intel TDX metadata (ignored here):
	// e47a6535-984a-4798-865e-4685a7bf8ec2.
	GUIDTDXMetadata = GUID{0x35, 0x65, 0x7a, 0xe4, 0x4a, 0x98, 0x98, 0x47, 0x86, 0x5e, 0x46, 0x85, 0xa7, 0xbf, 0x8e, 0xc2}
	// GUIDIGVMMetadata points at IGVM metadata in newer edk2 builds (ignored here):
	// 784fa70e-3176-4677-8a20-04b68699e374.
	GUIDIGVMMetadata = GUID{0x0e, 0xa7, 0x4f, 0x78, 0x76, 0x31, 0x77, 0x46, 0x8a, 0x20, 0x04, 0xb6, 0x86, 0x99, 0xe3, 0x74}
)

var guidNames = map[GUID]string{
	GUIDFooter:          "footer",
	GUIDSEVMetadata:     "SEV metadata offset",
	GUIDSEVHashTable:    "SEV hash table",
	GUIDSEVESResetBlock: "SEV-ES reset block",
	GUIDSEVSecretBlock:  "SEV secret block",
	GUIDTDXMetadata:     "TDX metadata offset",
	GUIDIGVMMetadata:    "IGVM metadata offset",
}

// String returns the canonical lower-case form, e.g.
// 96b582de-1fb2-45f7-baea-a366c55a082d.
func (g GUID) String() string {
	return fmt.Sprintf("%02x%02x%02x%02x-%02x%02x-%02x%02x-%x-%x",
		g[3], g[2], g[1], g[0], g[5], g[4], g[7], g[6], g[8:10], g[10:16])
}

// Name returns a short description for a well-known GUID and "" otherwise.
func (g GUID) Name() string {
	return guidNames[g]
}
