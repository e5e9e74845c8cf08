package pipeline

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
func TestInputFiles(t *testing.T) {
	root, err := buildenv.FindRoot(".")
	if err != nil {
		t.Fatal(err)
	}
	p, err := New(&buildenv.Env{Root: root, BuildDir: t.TempDir()}, testutil.Discard())
	if err != nil {
		t.Fatal(err)
	}
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
		files, err := p.InputFiles(t.Context(), tt.group)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range tt.want {
			if !slices.Contains(files, f) {
				t.Errorf("InputFiles(%s) lacks %s", tt.group, f)
			}
		}
		for _, f := range tt.notWant {
			if slices.Contains(files, f) {
				t.Errorf("InputFiles(%s) has %s", tt.group, f)
			}
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") || strings.Contains(f, "testdata/") {
				t.Errorf("InputFiles(%s) has test file %s", tt.group, f)
			}
		}
	}
	for _, g := range catalog.Groups {
		if _, err := p.InputFiles(t.Context(), g); err != nil {
			t.Errorf("InputFiles(%s) = %v", g, err)
		}
	}
}
