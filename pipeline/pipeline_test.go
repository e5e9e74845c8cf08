package pipeline

import (
	"testing"

	"manx/catalog"
	"manx/internal/buildenv"
	"manx/internal/testutil"
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
