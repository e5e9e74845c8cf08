package profile

import "time"

// Markers of the image-based OS's boots.
const (
	// MarkerVerityRoot: the kernel mounted the dm-verity device (254:0, the
	// first device-mapper device) as the read-only erofs root.
	MarkerVerityRoot = "VFS: Mounted root (erofs filesystem) readonly on device 254:0"
	// MarkerBlessed: init marked the counted boot entry good.
	MarkerBlessed = "manx: boot marked good: \\EFI\\Linux\\manx_1.efi"
	// MarkerNotBlessed: init's health checks refused to bless the boot.
	MarkerNotBlessed = "manx: boot not blessed"
	// MarkerVerityCorrupt is dm-verity's report of a block that does not
	// match the tree.
	MarkerVerityCorrupt = "device-mapper: verity: 254:0: data block"
)

// ImageDisk is the image-based OS's GPT disk (catalog.ImageDisk).
const ImageDisk = "image-disk"

// Image are the image-based OS's profiles: a disk booted by OVMF under
// Secure Boot through systemd-boot.
func Image() []Profile {
	return []Profile{{
		ID:      "image,sb-pass",
		Summary: "the GPT disk under Secure Boot: systemd-boot, the signed UKI, the dm-verity root read-only, the boot marked good",
		Machine: MachineQ35, Firmware: FirmwarePflash, VarStore: "custom", Boot: BootDisk, Disk: ImageDisk, Display: DisplayNone,
		Expect:  []string{MarkerSecureBoot, MarkerVerityRoot, MarkerLockdown, MarkerIntegrity, MarkerUserland, MarkerBlessed},
		Refuse:  []string{"Kernel panic", MarkerNotBlessed, MarkerVerityCorrupt},
		Timeout: 180 * time.Second,
	}}
}
