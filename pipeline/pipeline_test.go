package pipeline

import (
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
