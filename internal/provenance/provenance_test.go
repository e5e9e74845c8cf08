package provenance

import (
	"slices"
	"strings"
	"testing"

	"manx/catalog"
	"manx/internal/buildenv"
	"manx/internal/testutil"
)

// TestInputFiles checks the input sets on the real repository: what each
// group is made from, and what it is not.
func TestFiles(t *testing.T) {
	root, err := buildenv.FindRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	r := &Resolver{Root: root, Log: testutil.Discard()}
	tests := []struct {
		group         catalog.Group
		want, notWant []string
	}{
		{catalog.GroupKernel, []string{"kernel/build.go", "kernel/config/00-base.fragment", "kernel/build.sh", "pins.json", "internal/toolchain/debian.go"},
			[]string{"userland/cmd/init/main.go", "magefiles/build.go", "pipeline/pipeline.go", "internal/fetch/fetch.go"}},
		{catalog.GroupInitramfs, []string{"userland/cmd/init/main.go", "userland/mascot/mascot.go", "userland/attest/attest.go", "userland/initramfs/builder.go", "internal/gobuild/gobuild.go", "go.mod", "go.sum"},
			[]string{"kernel/build.go", "userland/cmd/init/main_test.go", "magefiles/magefile.go", "deploy/vm/vm.go", "pipeline/pipeline.go"}},
		{catalog.GroupUKI, []string{"kernel/build.go", "userland/cmd/init/main.go", "uki/build.go", "sign/authenticode/pe.go", "pipeline/uki.go"},
			[]string{"userland/cmd/stboot/main.go", "magefiles/build.go", "firmware/edk2/build.go"}},
		{catalog.GroupStboot, []string{"userland/cmd/stboot/main.go", "ospkg/pack.go", "deploy/osserver/hostconfig.go", "ospkg/ospkgtest/untrusted.go"},
			[]string{"deploy/vm/vm.go", "magefiles/deploy.go"}},
	}
	for _, tt := range tests {
		files, err := r.Files(t.Context(), tt.group)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range tt.want {
			if !slices.Contains(files, f) {
				t.Errorf("Files(%s) lacks %s", tt.group, f)
			}
		}
		for _, f := range tt.notWant {
			if slices.Contains(files, f) {
				t.Errorf("Files(%s) has %s", tt.group, f)
			}
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") || strings.Contains(f, "testdata/") {
				t.Errorf("Files(%s) has test file %s", tt.group, f)
			}
		}
	}
	for _, g := range catalog.Groups {
		if _, err := r.Files(t.Context(), g); err != nil {
			t.Errorf("Files(%s) = %v", g, err)
		}
	}
}

// TestNewest: the newest commit of a file set is a stamp; outside a
// checkout there is none.
func TestNewest(t *testing.T) {
	root, err := buildenv.FindRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	r := &Resolver{Root: root, Log: testutil.Discard()}
	st, ok, err := r.Newest(t.Context(), []string{"go.mod"})
	if err != nil || !ok || len(st.Version) != 13 || st.Version[0] != 'g' || st.Epoch.IsZero() {
		t.Errorf("Newest(go.mod) = %+v, %v, %v; want a g+12-hex stamp", st, ok, err)
	}
	r = &Resolver{Root: t.TempDir(), Log: testutil.Discard()}
	if _, ok, err := r.Newest(t.Context(), []string{"go.mod"}); ok || err != nil {
		t.Errorf("Newest(outside a checkout) = %v, %v; want no stamp, no error", ok, err)
	}
}
