package catalog

// Inputs are what a group's artefacts are made from in the repository. A
// group's SOURCE_DATE_EPOCH and version are those of the newest commit that
// touched any of them (manx/pipeline's stamps), so a commit that touches
// only orchestration, tests, docs or another group's inputs rebuilds
// nothing and changes no byte.
type Inputs struct {
	// Files are repository files.
	Files []string
	// Compiled are Go packages compiled into the artefacts (guest
	// programs) or run to write them: every non-test source and embedded
	// file of their manx/... dependency closure counts (external modules
	// are go.mod and go.sum, listed in Files).
	Compiled []string
	// Recipe are Go packages that define how the artefacts are made
	// (scripts, configs, the container); their own non-test source and
	// embedded files count, not their dependencies.
	Recipe []string
	// Contains are the groups whose artefacts go into these.
	Contains []Group
}

// toolchainRecipe is how recipe stages run: the container definition and
// the stage runner.
var toolchainRecipe = []string{"manx/internal/toolchain", "manx/internal/recipe"}

// GroupInputs are each group's inputs.
var GroupInputs = map[Group]Inputs{
	GroupKernel: {
		Files:  []string{"pins.json"},
		Recipe: append([]string{"manx/kernel"}, toolchainRecipe...),
	},
	GroupFirmware: {
		Files:  []string{"pins.json"},
		Recipe: append([]string{"manx/firmware/edk2"}, toolchainRecipe...),
	},
	GroupInitramfs: {
		Files:    []string{"go.mod", "go.sum", "pipeline/initramfs.go"},
		Compiled: []string{"manx/userland/cmd/init", "manx/userland/cmd/attest", "manx/userland/cmd/manx", "manx/userland/initramfs"},
	},
	GroupVarStore: {
		Files:    []string{"pipeline/varstore.go"},
		Compiled: []string{"manx/firmware/varstore"},
	},
	GroupUKI: {
		Files: []string{"pins.json", "pipeline/uki.go", "pipeline/ukipcr.go"},
		Compiled: []string{"manx/uki", "manx/uki/ukitest", "manx/sign/authenticode",
			"manx/tpm/pcr", "manx/tpm/pcrsig", "manx/tpm/pcrsig/pcrsigtest"},
		Contains: []Group{GroupKernel, GroupInitramfs},
	},
	GroupStboot: {
		Files: []string{"go.mod", "go.sum", "pins.json", "pipeline/stboot.go", "pipeline/uki.go"},
		Compiled: []string{"manx/userland/cmd/init", "manx/userland/cmd/stboot", "manx/userland/initramfs",
			"manx/ospkg", "manx/ospkg/ospkgtest", "manx/uki", "manx/sign/authenticode"},
		Recipe:   []string{"manx/deploy/osserver"},
		Contains: []Group{GroupKernel, GroupInitramfs},
	},
	GroupImage: {
		Files: []string{"pins.json", "pipeline/image.go", "pipeline/uki.go", "pipeline/stboot.go"},
		Compiled: []string{"manx/image/rootfs", "manx/image/verity", "manx/image/disk", "manx/image/update", "manx/uki",
			"manx/sign/authenticode", "manx/ospkg", "manx/internal/esp"},
		Contains: []Group{GroupKernel, GroupInitramfs},
	},
	GroupMeasure: {
		Files:    []string{"pipeline/measure.go", "deploy/profile/snp.go", "deploy/vm/snp.go"},
		Compiled: []string{"manx/firmware/snp"},
		Contains: []Group{GroupFirmware, GroupKernel, GroupInitramfs},
	},
}
