package catalog_test

import (
	"path"
	"testing"

	"manx/catalog"
	"manx/firmware/edk2"
	"manx/firmware/varstore"
)

// TestUnique: names and paths identify artefacts; paths are clean,
// relative and slash-separated.
func TestUnique(t *testing.T) {
	names, paths := map[string]bool{}, map[string]bool{}
	for _, a := range catalog.All() {
		if names[a.Name] || paths[a.Path] {
			t.Errorf("%s (%s) is listed twice", a.Name, a.Path)
		}
		names[a.Name], paths[a.Path] = true, true
		if a.Path != path.Clean(a.Path) || path.IsAbs(a.Path) || a.Path == "" {
			t.Errorf("%s: path %q is not a clean relative path", a.Name, a.Path)
		}
		if _, err := catalog.ParseGroup(string(a.Group)); err != nil {
			t.Errorf("%s: %v", a.Name, err)
		}
	}
	for _, g := range catalog.Groups {
		if len(catalog.InGroup(g)) == 0 {
			t.Errorf("group %s has no artefacts", g)
		}
	}
}

// TestVarStoreNames: the catalogue's store files are the ones
// varstore.WriteAll writes.
func TestVarStoreNames(t *testing.T) {
	kinds := map[varstore.Kind]string{varstore.Blank: "blank", varstore.Microsoft: "ms", varstore.Custom: "custom"}
	forms := map[varstore.Form]string{varstore.Raw: "fd", varstore.JSON: "json"}
	n := 0
	for _, k := range varstore.Kinds {
		for f, form := range forms {
			a, err := catalog.VarStore(kinds[k], form)
			if err != nil {
				t.Fatal(err)
			}
			if a.Base() != varstore.FileName(k, f) {
				t.Errorf("catalogue %s is %s, varstore writes %s", a.Name, a.Base(), varstore.FileName(k, f))
			}
			n++
		}
	}
	if got := len(catalog.InGroup(catalog.GroupVarStore)); got != n {
		t.Errorf("the catalogue lists %d var stores, varstore writes %d", got, n)
	}
}

// TestFirmwareStages: each OVMF variant's files are catalogued in one
// directory, in the variant's output order.
func TestFirmwareStages(t *testing.T) {
	for _, v := range edk2.Variants {
		arts := catalog.OfStage(v.Name)
		if len(arts) != len(v.Outputs) {
			t.Fatalf("%s: the catalogue lists %d files, the build emits %v", v.Name, len(arts), v.Outputs)
		}
		for i, a := range arts {
			if a.Base() != v.Outputs[i] || a.Dir() != arts[0].Dir() || a.Group != catalog.GroupFirmware {
				t.Errorf("%s: catalogue %s (%s) does not match output %s", v.Name, a.Name, a.Path, v.Outputs[i])
			}
		}
	}
}

func TestPublished(t *testing.T) {
	if got := len(catalog.Published()); got != 21 {
		t.Errorf("len(Published()) = %d, want 21 (see docs/reproducibility.md)", got)
	}
	for _, a := range []catalog.Artefact{catalog.UKITampered, catalog.OspkgUntrusted, catalog.OspkgOneOfTwo, catalog.OspkgZipAltered, catalog.OspkgExpired} {
		if a.Published {
			t.Errorf("test fixture %s is published", a.Name)
		}
	}
}
