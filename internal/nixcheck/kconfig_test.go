package nixcheck_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"manx/kernel"
)

// TestKconfigCheckMatchesKernelCheck runs nix/kconfig-check.sh (the Nix
// kernel derivation's requested-symbols check) and kernel.Check on the same
// inputs: both must accept or both refuse.
func TestKconfigCheckMatchesKernelCheck(t *testing.T) {
	if _, err := exec.LookPath("awk"); err != nil {
		t.Skip("awk not installed")
	}
	script, err := filepath.Abs(filepath.Join(root, "nix", "kconfig-check.sh"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		frags  []string
		config string
	}{
		{name: "all present", frags: []string{"CONFIG_A=y\nCONFIG_B=\"x y\"\n"}, config: "CONFIG_A=y\nCONFIG_B=\"x y\"\nCONFIG_C=y\n"},
		{name: "dropped", frags: []string{"CONFIG_A=y\n"}, config: "# CONFIG_A is not set\n"},
		{name: "missing counts as n", frags: []string{"# CONFIG_A is not set\n"}, config: "CONFIG_B=y\n"},
		{name: "missing but requested", frags: []string{"CONFIG_A=y\n"}, config: "CONFIG_B=y\n"},
		{name: "later fragment wins", frags: []string{"CONFIG_A=y\n", "# comment\n\n# CONFIG_A is not set\n"}, config: "# CONFIG_A is not set\n"},
		{name: "later fragment wins, refused", frags: []string{"# CONFIG_A is not set\n", "CONFIG_A=y\n"}, config: "# CONFIG_A is not set\n"},
		{name: "value differs", frags: []string{"CONFIG_N=10\n"}, config: "CONFIG_N=12\n"},
		{name: "indented and blank lines", frags: []string{"  CONFIG_A=y  \n\n"}, config: "CONFIG_A=y\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			var frags []kernel.Config
			args := []string{script, filepath.Join(dir, "config")}
			for i, f := range tt.frags {
				c, err := kernel.ParseConfig(strings.NewReader(f), "fragment")
				if err != nil {
					t.Fatal(err)
				}
				frags = append(frags, c)
				p := filepath.Join(dir, string(rune('a'+i))+".fragment")
				if err := os.WriteFile(p, []byte(f), 0o644); err != nil {
					t.Fatal(err)
				}
				args = append(args, p)
			}
			if err := os.WriteFile(filepath.Join(dir, "config"), []byte(tt.config), 0o644); err != nil {
				t.Fatal(err)
			}
			final, err := kernel.ParseConfig(strings.NewReader(tt.config), "config")
			if err != nil {
				t.Fatal(err)
			}
			goErr := kernel.Check(kernel.Merge(frags...), final)
			out, shErr := exec.Command("sh", args...).CombinedOutput()
			if (goErr == nil) != (shErr == nil) {
				t.Errorf("kernel.Check() = %v, kconfig-check.sh = %v (%s): they disagree", goErr, shErr, out)
			}
		})
	}
}
