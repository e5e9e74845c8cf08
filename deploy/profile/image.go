package profile

import "time"

// Markers of the image-based OS's boots.
const (
	// MarkerVerityRoot: the kernel mounted the dm-verity device as the
	// read-only erofs root.
	MarkerVerityRoot = "VFS: Mounted root (erofs filesystem) readonly on device"
	// MarkerBlessed: init marked the counted boot entry good.
	MarkerBlessed = "manx: boot marked good: \\EFI\\Linux\\manx_1.efi"
	// MarkerNotBlessed: init's health checks refused to bless the boot.
	MarkerNotBlessed = "manx: boot not blessed"
	// MarkerVerityCorrupt ends dm-verity's report of a block that does not
	// match the tree ("device-mapper: verity: <dev>: data block N is
	// corrupted"; the device numbers are the kernel's to choose).
	MarkerVerityCorrupt = "is corrupted"
	// MarkerVerityBlock0 is that report for the tampered disk's block 0.
	MarkerVerityBlock0 = "data block 0 is corrupted"
)

// ImageDisk and ImageDiskTampered are the image-based OS's GPT disk and
// its copy with one byte of root A flipped (catalog.ImageDisk, ...).
const (
	ImageDisk         = "image-disk"
	ImageDiskTampered = "image-disk-tampered"
)

// imageTries is systemd-boot's counter on a new entry (pipeline.ImageTries).
const imageTries = 3

// Image are the image-based OS's profiles: a disk booted by OVMF under
// Secure Boot through systemd-boot.
func Image() []Profile {
	// The tampered disk: every try reads block 0 of root A, dm-verity
	// refuses it, the root cannot be mounted, the kernel panics and (with
	// panic=-1) reboots; systemd-boot counts each try down. When none is
	// left it still boots the exhausted entry, the only one there is (it
	// sorts such entries last, it does not skip them), which fails the
	// same way: a loop that never runs an unverified root and never
	// offers a prompt. The check sees three counted tries and the first
	// exhausted one, then requires the entry at +0 and never blessed.
	var tamper []string
	for range imageTries + 1 {
		tamper = append(tamper, MarkerVerityBlock0, MarkerNoRoot)
	}
	tamper = tamper[:len(tamper)-1]
	return []Profile{{
		ID:      "image,sb-pass",
		Summary: "the GPT disk under Secure Boot: systemd-boot, the signed UKI, the dm-verity root read-only, the boot marked good",
		Machine: MachineQ35, Firmware: FirmwarePflash, VarStore: "custom", Boot: BootDisk, Disk: ImageDisk, Display: DisplayNone,
		Expect:       []string{MarkerSecureBoot, MarkerLockdown, MarkerVerityRoot, MarkerIntegrity, MarkerUserland, MarkerBlessed},
		Refuse:       []string{"Kernel panic", MarkerNotBlessed, MarkerVerityCorrupt},
		EntriesAfter: `^manx_1\.efi$`,
		Timeout:      180 * time.Second,
	}, {
		ID:      "image,verity-tamper",
		Summary: "one byte of root A flipped after the build: dm-verity refuses the block, the root never mounts, three counted tries and the exhausted entry fail alike, nothing is blessed",
		Machine: MachineQ35, Firmware: FirmwarePflash, VarStore: "custom", Boot: BootDisk, Disk: ImageDiskTampered, Display: DisplayNone,
		Reboots:      true,
		Expect:       append([]string{MarkerSecureBoot}, tamper...),
		Refuse:       []string{MarkerVerityRoot, MarkerUserland, "manx: boot marked good"},
		EntriesAfter: `^manx_1\+0-[4-9]\.efi$`,
		Watch:        Watch{Window: time.Second},
		Timeout:      420 * time.Second,
	}}
}
