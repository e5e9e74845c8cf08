// Package catalog is Manx's artefact catalogue: every file a build writes
// under build/, with its name, path, the group that builds it, the pins it
// is made from and the keys it embeds or is signed with.
//
// It is the one place build paths are written down. The pipeline builds
// groups (manx/pipeline maps each Group to its build function), the hash
// manifest publishes the entries marked Published, the boot profiles name
// the artefacts they boot, and the magefiles and verify/repro name groups:
// all of them derive from here.
package catalog

import (
	"fmt"
	"path/filepath"
)

// Group is a set of artefacts built by one step of the pipeline.
type Group string

// The artefact groups.
const (
	GroupKernel    Group = "kernel"
	GroupInitramfs Group = "initramfs"
	GroupFirmware  Group = "firmware"
	GroupVarStore  Group = "varstore"
	GroupUKI       Group = "uki"
	GroupStboot    Group = "stboot"
	GroupMeasure   Group = "measure"
	GroupImage     Group = "image"
)

// Groups are every group, in build order.
var Groups = []Group{GroupKernel, GroupInitramfs, GroupFirmware, GroupVarStore, GroupUKI, GroupStboot, GroupMeasure, GroupImage}

// ParseGroup returns the group named s.
func ParseGroup(s string) (Group, error) {
	for _, g := range Groups {
		if string(g) == s {
			return g, nil
		}
	}
	return "", fmt.Errorf("unknown artefact group %q (want one of %v)", s, Groups)
}

// Key names a certificate of Manx's key hierarchy that an artefact embeds or
// is signed with (the hash manifest records each one's fingerprint).
type Key string

// The keys.
const (
	KeyPK          Key = "pk"           // Secure Boot platform key
	KeyKEK         Key = "kek"          // Secure Boot key-exchange key
	KeyDB          Key = "db"           // Secure Boot db (signs the UKIs, nothing else)
	KeyKexec       Key = "kexec"        // the kernel's builtin trusted key: signs the kernel stboot kexecs
	KeyOSPkgRoot   Key = "ospkg-root"   // stboot's OS-package trust root
	KeyOSPkgSigner Key = "ospkg-signer" // signs OS-package descriptors (issued by ospkg-root)
	KeyPCRPolicy   Key = "pcr-policy"   // signs UKIs' expected PCR 11 values (.pcrsig)
)

// Artefact is one file of the build.
type Artefact struct {
	Name  string // stable logical name, e.g. "uki-signed"
	Path  string // relative to build/, slash-separated
	Group Group
	// Stage is the recipe stage that writes it (kernel, OVMF variants);
	// "" for artefacts written in Go.
	Stage string
	Pins  []string // pins.json entries it is made from
	Keys  []Key
	// Published marks artefacts whose bytes are reproducible given their
	// inputs and that hashes/<arch>.json records. Test fixtures (the
	// tampered UKI, descriptors signed by the public-seed untrusted key)
	// and the intermediate stboot initramfs images are not.
	Published bool
}

// In returns the artefact's path under buildDir.
func (a Artefact) In(buildDir string) string {
	return filepath.Join(buildDir, filepath.FromSlash(a.Path))
}

// Base is the artefact's file name.
func (a Artefact) Base() string { return filepath.Base(a.Path) }

// Dir is the artefact's directory relative to build/.
func (a Artefact) Dir() string { return filepath.Dir(filepath.FromSlash(a.Path)) }
