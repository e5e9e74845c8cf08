package profile

import "time"

// Markers of the image-based OS's boots.
const (
	// MarkerVerityRoot: the kernel mounted the dm-verity device as the
	// read-only erofs root.
	MarkerVerityRoot = "VFS: Mounted root (erofs filesystem) readonly on device"
	// MarkerBlessed starts init's line for a counted boot it marked good.
	MarkerBlessed = "manx: boot marked good: "
	// MarkerNotBlessed: init's health checks refused to bless the boot.
	MarkerNotBlessed = "manx: boot not blessed"
	// MarkerVerityCorrupt ends dm-verity's report of a block that does not
	// match the tree ("device-mapper: verity: <dev>: data block N is
	// corrupted"; the device numbers are the kernel's to choose).
	MarkerVerityCorrupt = "is corrupted"
	// MarkerVerityBlock0 is that report for the tampered disk's block 0.
	MarkerVerityBlock0 = "data block 0 is corrupted"
	// MarkerUpdateVerified, MarkerUpdateInstalled and MarkerUpdateRefused
	// are manx update's lines; MarkerUpdateFailed is init's report of an
	// update whose tries ran out.
	MarkerUpdateVerified  = "manx: update: verified version "
	MarkerUpdateInstalled = "manx: update: installed version "
	MarkerUpdateRefused   = "manx: update refused: "
	MarkerUpdateFailed    = "manx: previous update failed: "
	// MarkerBadInit is the kernel's panic when the bad update's UKI names
	// an init that does not exist.
	MarkerBadInit = "Kernel panic - not syncing: Requested init /bin/manx-no-such-init failed"
)

// The image's versions (pipeline.ImageVersion, ImageUpdateVersion,
// ImageOldVersion) as their entries and lines show them.
const (
	imageEntry       = `\EFI\Linux\manx_2.efi`
	imageUpdateEntry = `\EFI\Linux\manx_3.efi`
	imageTries       = 3 // systemd-boot's counter on a new entry (pipeline.ImageTries)
)

// ImageDisk and ImageDiskTampered are the image-based OS's GPT disk and
// its copy with one byte of root A flipped (catalog.ImageDisk, ...).
const (
	ImageDisk         = "image-disk"
	ImageDiskTampered = "image-disk-tampered"
)

// The update servers (manx/deploy/osserver.Scenarios).
const (
	ServeImageUpdate    = "image-update"     // the next image version, signed
	ServeImageUpdateBad = "image-update-bad" // the next version whose UKI never reaches ready
	ServeImageUpdateOld = "image-update-old" // an older version, properly signed
)

// imageBoot are the markers of a good boot of version 2 up to its blessing.
var imageBoot = []string{MarkerSecureBoot, MarkerLockdown, MarkerVerityRoot, MarkerIntegrity, MarkerUserland, MarkerBlessed + imageEntry}

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
	// The bad update: three tries of version 3, each a panic.
	var badTries []string
	for range imageTries {
		badTries = append(badTries, MarkerBadInit)
	}
	disk := func(p Profile) Profile {
		p.Machine, p.Firmware, p.VarStore, p.Boot, p.Display = MachineQ35, FirmwarePflash, "custom", BootDisk, DisplayNone
		if p.Disk == "" {
			p.Disk = ImageDisk
		}
		return p
	}
	return []Profile{disk(Profile{
		ID:           "image,sb-pass",
		Summary:      "the GPT disk under Secure Boot: systemd-boot, the signed UKI, the dm-verity root read-only, the boot marked good",
		Expect:       imageBoot,
		Refuse:       []string{"Kernel panic", MarkerNotBlessed, MarkerVerityCorrupt},
		EntriesAfter: `^manx_2\.efi$`,
		Timeout:      180 * time.Second,
	}), disk(Profile{
		ID:           "image,verity-tamper",
		Summary:      "one byte of root A flipped after the build: dm-verity refuses the block, the root never mounts, three counted tries and the exhausted entry fail alike, nothing is blessed",
		Disk:         ImageDiskTampered,
		Reboots:      true,
		Expect:       append([]string{MarkerSecureBoot}, tamper...),
		Refuse:       []string{MarkerVerityRoot, MarkerUserland, MarkerBlessed},
		EntriesAfter: `^manx_2\+0-[4-9]\.efi$`,
		Watch:        Watch{Window: time.Second},
		Timeout:      420 * time.Second,
	}), disk(Profile{
		ID:      "image,update",
		Summary: "boot A (version 2), manx update over HTTP writes slot B with version 3 and reboots; systemd-boot boots B, B is blessed",
		Network: true, Serve: ServeImageUpdate, Update: true, Reboots: true,
		Expect: append(append([]string{}, imageBoot...),
			MarkerUpdateVerified+"3", MarkerUpdateInstalled+"3 in slot b", MarkerRestart,
			MarkerVerityRoot, MarkerUserland, MarkerBlessed+imageUpdateEntry,
			MarkerUpdateRefused+"version 3 is not newer than the running 3"),
		Refuse:       []string{"Kernel panic", MarkerNotBlessed, MarkerVerityCorrupt, MarkerUpdateFailed},
		EntriesAfter: `^manx_2\.efi\nmanx_3\.efi$`,
		Timeout:      300 * time.Second,
	}), disk(Profile{
		ID:      "image,update-bad",
		Summary: "an update whose init never reaches ready: version 3 is tried three times, then systemd-boot boots A again, which reports the failed update and does not install it again",
		Network: true, Serve: ServeImageUpdateBad, Update: true, Reboots: true,
		Expect: append(append(append(append([]string{}, imageBoot...),
			MarkerUpdateInstalled+"3 in slot b", MarkerRestart), badTries...),
			MarkerUserland, MarkerUpdateFailed+`\EFI\Linux\manx_3+0-3.efi`,
			MarkerUpdateRefused+"version 3 failed before"),
		Refuse:       []string{MarkerBlessed + imageUpdateEntry, MarkerVerityCorrupt},
		EntriesAfter: `^manx_2\.efi\nmanx_3\+0-3\.efi$`,
		Timeout:      480 * time.Second,
	}), disk(Profile{
		ID:      "image,update-rollback",
		Summary: "a properly signed update to an older version (1): refused before anything is written",
		Network: true, Serve: ServeImageUpdateOld, Update: true,
		Expect:       append(append([]string{}, imageBoot...), MarkerUpdateRefused+"version 1 is not newer than the running 2"),
		Refuse:       []string{MarkerUpdateVerified, MarkerUpdateInstalled, "Kernel panic"},
		EntriesAfter: `^manx_2\.efi$`,
		Timeout:      240 * time.Second,
	})}
}
