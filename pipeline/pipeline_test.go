package pipeline

import (
	"path/filepath"
	"strings"
	"testing"

	"manx/catalog"
	"manx/internal/buildenv"
	"manx/internal/testutil"
	"manx/userland/attest/verdict"
)

// TestEveryGroupBuilds: the build graph has a step for every group of the
// catalogue, and no step for a group it does not list.
func TestEveryGroupBuilds(t *testing.T) {
	root, err := buildenv.FindRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	p, err := New(&buildenv.Env{Root: root, BuildDir: t.TempDir()}, testutil.Discard())
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range catalog.Groups {
		if p.builds[g] == nil {
			t.Errorf("no build step for group %s", g)
		}
	}
	if len(p.builds) != len(catalog.Groups) {
		t.Errorf("%d build steps for %d groups", len(p.builds), len(catalog.Groups))
	}
	if err := p.Build(t.Context(), "nonsense"); err == nil {
		t.Error(`Build("nonsense") = nil error`)
	}
}

// TestSNPPolicyParses: the policy the initramfs carries is one attest
// accepts.
func TestSNPPolicyParses(t *testing.T) {
	p, err := verdict.Parse([]byte(SNPPolicy))
	if err != nil {
		t.Fatalf("SNPPolicy: %v", err)
	}
	if p.WantVMPL() != 0 {
		t.Errorf("SNPPolicy wants VMPL %d, want 0", p.WantVMPL())
	}
}

// TestStepFilesAreInputs: every file of this package that writes a group's
// artefacts is one of that group's inputs (catalog.GroupInputs), so editing
// it moves the group's stamp. The others run steps without shaping bytes.
func TestStepFilesAreInputs(t *testing.T) {
	notInputs := map[string]string{
		"pipeline.go": "the build graph",
		"outputs.go":  "writes bytes it is given",
		"stamp.go":    "computes the stamps",
		"keys.go":     "loads keys (their certificates are inputs through Artefact.Keys)",
		"nix.go":      "the Nix flake's pins",
		"kernel.go":   "runs manx/kernel's recipe, the kernel group's input",
		"firmware.go": "runs manx/firmware/edk2's recipe, the firmware group's input",
	}
	listed := map[string]bool{}
	for _, in := range catalog.GroupInputs {
		for _, f := range in.Files {
			listed[f] = true
		}
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || notInputs[f] != "" {
			continue
		}
		if !listed["pipeline/"+f] {
			t.Errorf("pipeline/%s is no group's input (catalog.GroupInputs): editing it would change bytes without moving a stamp", f)
		}
	}
}
