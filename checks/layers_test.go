package checks

import (
	"encoding/json"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// pkg is what go list says of a package.
type pkg struct {
	ImportPath string
	Imports    []string
	Deps       []string
}

// listPackages runs go list -json over the module.
func listPackages(t *testing.T) map[string]pkg {
	t.Helper()
	out, err := exec.Command("go", "list", "-json", "-deps=false", "manx/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	pkgs := map[string]pkg{}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs[p.ImportPath] = p
	}
	return pkgs
}

// layer places a package in docs/ARCHITECTURE.md's layers: 0 the bottom
// (internal/, catalog), 1 the domains, 2 orchestration, 3 entry points.
func layer(path string) int {
	switch {
	case path == "manx/catalog" || strings.HasPrefix(path, "manx/internal/"):
		return 0
	case path == "manx/pipeline" || path == "manx/publish" || path == "manx/checks" || path == "manx/deploy/vm" || path == "manx/bench":
		return 2
	case strings.HasPrefix(path, "manx/cmd/"):
		return 3
	}
	return 1
}

// TestLayers enforces the import rules of docs/ARCHITECTURE.md: imports
// point down the layers, never up; the bottom layer imports only itself;
// orchestration packages are imported only by the ones above them.
func TestLayers(t *testing.T) {
	pkgs := listPackages(t)
	if len(pkgs) < 30 {
		t.Fatalf("go list found %d packages, want the whole module", len(pkgs))
	}
	// Who may import each orchestration package.
	allowed := map[string][]string{
		"manx/deploy/vm": {"manx/pipeline"},
		"manx/pipeline":  {"manx/publish", "manx/checks", "manx/cmd/manx"},
		"manx/publish":   {"manx/checks"},
		"manx/checks":    {},
		"manx/bench":     {},
	}
	for _, p := range pkgs {
		for _, imp := range p.Imports {
			if !strings.HasPrefix(imp, "manx/") {
				continue
			}
			from, to := layer(p.ImportPath), layer(imp)
			switch {
			case to > from:
				t.Errorf("%s (layer %d) imports %s (layer %d): imports point down", p.ImportPath, from, imp, to)
			case from == 0 && to != 0:
				t.Errorf("%s is in the bottom layer and imports %s", p.ImportPath, imp)
			case imp == "manx/internal/testutil":
				t.Errorf("%s imports manx/internal/testutil outside its tests", p.ImportPath)
			}
			if who, ok := allowed[imp]; ok && !slices.Contains(who, p.ImportPath) {
				t.Errorf("%s imports orchestration package %s (allowed: %v)", p.ImportPath, imp, who)
			}
		}
	}
}

// TestGuestDeps: the programs compiled into the initramfs, and the TPM
// packages the guest init links, link no PE or PKCS#7 code; the TPM
// packages start no swtpm; .pcrsig reading needs no go-tpm (the UKI
// builder imports it); the event log parser stays linkable by guests; and
// the Nix flake's UKI tool does not pull in the
// orchestrator.
func TestGuestDeps(t *testing.T) {
	for _, tc := range []struct {
		pkg    string
		banned []string
	}{
		{"manx/userland/cmd/stboot", []string{"github.com/foxboron/go-uefi"}},
		{"manx/userland/cmd/init", []string{"github.com/foxboron/go-uefi"}},
		{"manx/userland/cmd/attest", []string{"github.com/foxboron/go-uefi"}},
		{"manx/tpm/pcrsig", []string{"github.com/foxboron/go-uefi", "manx/sign/authenticode", "github.com/google/go-tpm"}},
		{"manx/tpm/seal", []string{"github.com/foxboron/go-uefi", "manx/sign/authenticode", "manx/tpm/swtpm"}},
		{"manx/tpm/totp", []string{"github.com/foxboron/go-uefi", "manx/sign/authenticode"}},
		{"manx/tpm/eventlog", []string{"github.com/foxboron/go-uefi", "manx/firmware", "manx/uki", "manx/sign"}},
		{"manx/cmd/manx-uki", []string{"manx/pipeline", "manx/publish", "manx/checks", "manx/deploy"}},
	} {
		out, err := exec.Command("go", "list", "-deps", tc.pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", tc.pkg, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, b := range tc.banned {
				if dep == b || strings.HasPrefix(dep, b+"/") {
					t.Errorf("%s depends on %s", tc.pkg, dep)
				}
			}
		}
	}
}
