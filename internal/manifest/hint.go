package manifest

import (
	"path"
	"strings"
)

// Hint says where to look first when two builds of the artefact at rel
// (relative to build/) differ. "Both copies" means this build and a second
// one: the published build's files, or `go run mage.go repro:<group>`,
// which rebuilds from a copy of the repository at another path.
func Hint(rel string) string {
	base := path.Base(rel)
	ext := path.Ext(rel)
	switch {
	case strings.HasPrefix(base, "OVMF_VARS_") && ext == ".fd":
		return "variable store: `go run mage.go inspect:vars` on both copies, compare variable by variable " +
			"(EFI_TIME comes from SOURCE_DATE_EPOCH); then diffoscope " + rel
	case strings.HasPrefix(base, "OVMF_VARS_") && ext == ".json":
		return "uefi-vars JSON: diff -u both copies (variables are sorted; EFI_TIME comes from SOURCE_DATE_EPOCH)"
	case ext == ".fd":
		return "diffoscope both copies of " + rel + "; for OVMF compare FV sections with `VolInfo` (EDK II BaseTools), " +
			"then build/logs/" + path.Base(path.Dir(rel)) + ".log (GenFw path length, PCD sizes, stack cookies)"
	case ext == ".efi":
		return "objdump -h both copies / compare PE sections (objcopy -O binary --only-section=.linux, .initrd, " +
			".osrel, .cmdline); a differing .linux or .initrd points at the kernel or initramfs entry"
	case base == "bzImage":
		return "check build/kernel/config and the KBUILD_* variables (KBUILD_BUILD_TIMESTAMP, _USER, _HOST, " +
			"_VERSION) in build/logs/kernel.log; then diffoscope both copies"
	case strings.HasSuffix(base, ".cpio.gz") || strings.Contains(base, "initramfs"):
		return "diffoscope (cpio listing) both copies; the Go binaries differ when the Go version or " +
			"-ldflags -X version differ"
	case ext == ".zip":
		return "unzip -Zv both copies (stored entries, mtimes from SOURCE_DATE_EPOCH); compare the kernel and " +
			"initramfs entries with theirs first"
	case ext == ".json":
		return "diff -u both copies; values derived from other artefacts (OVMF, kernel, initrd hashes) point " +
			"at those entries first"
	}
	return "diffoscope both copies of " + rel
}
