package profile

import "time"

// ShimSigned is Debian's shim as Microsoft signed it (Microsoft
// Corporation UEFI CA 2011, which is in the ms store's db), in the pinned
// shim-signed package.
var ShimSigned = PinnedEFI{Pin: "shim-signed", Path: "usr/lib/shim/shimx64.efi.signed"}

// Shim's own messages when it runs from \EFI\BOOT\BOOTX64.EFI of an ESP
// that holds nothing else: it looks for its second stage, grubx64.efi,
// next to itself, finds none, says so on the console and returns to the
// firmware, whose boot manager then has nothing left to boot and waits for
// a key (no reset, no loop). The text is shim 16.1's (the shim-signed pin).
const (
	MarkerShimNoGrub   = "Failed to open \\EFI\\BOOT\\grubx64.efi - Not Found" // shim's first message
	MarkerShimNoLoad   = "Failed to load image \\EFI\\BOOT\\grubx64.efi: Not Found"
	MarkerShimFallback = "start_image() returned Not Found, falling back to default loader"
	// MarkerNoBootOption is the firmware's boot manager giving up.
	MarkerNoBootOption = "BdsDxe: No bootable option or device was found."
)

// Microsoft returns the profiles that show the Microsoft store (ms) makes
// a key decision: it runs a binary Microsoft signed (Debian's shim, which
// then reaches its own first message) where uki,sb-fail shows it refusing
// ours; and the custom store refuses the same shim. Between them the
// refusals are the keys' doing, not a broken store or firmware.
func Microsoft() []Profile {
	shim := ShimSigned
	return []Profile{
		{
			ID: "ms,shim-or-ms-signed", Summary: "Microsoft store (Secure Boot on): the firmware runs Debian's Microsoft-signed shim, which reports its missing second stage",
			Machine: MachineQ35, Firmware: FirmwarePflash, VarStore: "ms", Boot: BootESP, ESPPin: &shim, Display: DisplayNone,
			Expect: []string{MarkerShimNoGrub, MarkerShimNoLoad, MarkerShimFallback, MarkerNoBootOption},
			Refuse: []string{MarkerAccessDenied, "Linux version"}, Watch: refusalWatch, Timeout: 180 * time.Second,
		},
		{
			ID: "custom,shim-ms-signed,sb-fail", Summary: "custom store (Secure Boot on): the firmware refuses Debian's Microsoft-signed shim",
			Machine: MachineQ35, Firmware: FirmwarePflash, VarStore: "custom", Boot: BootESP, ESPPin: &shim, Display: DisplayNone,
			Expect: []string{MarkerAccessDenied},
			Refuse: []string{MarkerShimNoGrub, "Linux version"}, Watch: refusalWatch, Timeout: 180 * time.Second,
		},
	}
}
