package kernel

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseConfig(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Config
		wantErr string
	}{
		{name: "mixed", in: "# comment\nCONFIG_A=y\n# CONFIG_B is not set\nCONFIG_S=\"x y\"\n\nCONFIG_N=42\n",
			want: Config{"CONFIG_A": "y", "CONFIG_B": "n", "CONFIG_S": `"x y"`, "CONFIG_N": "42"}},
		{name: "garbage", in: "CONFIG_A=y\nnot kconfig\n", wantErr: "f:2: not a kconfig line"},
		{name: "empty value", in: "CONFIG_A=\n", wantErr: "f:1: CONFIG_A has an empty value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseConfig(strings.NewReader(tt.in), "f")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseConfig() = %v, want error %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParseConfig() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	req := Config{"CONFIG_A": "y", "CONFIG_B": "n", "CONFIG_C": "y"}
	if err := Check(req, Config{"CONFIG_A": "y", "CONFIG_C": "y"}); err != nil {
		t.Errorf("Check(all met) = %v", err)
	}
	err := Check(req, Config{"CONFIG_A": "y", "CONFIG_B": "y"})
	if err == nil {
		t.Fatal("Check(unmet) = nil, want error")
	}
	for _, want := range []string{"2 requested symbol", "CONFIG_B: requested n, .config has y", "CONFIG_C: requested y, .config has n"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Check() error %q lacks %q", err, want)
		}
	}
}

func TestMergeLaterWins(t *testing.T) {
	got := Merge(Config{"CONFIG_A": "y", "CONFIG_B": "y"}, Config{"CONFIG_A": "n"})
	if diff := cmp.Diff(Config{"CONFIG_A": "n", "CONFIG_B": "y"}, got); diff != "" {
		t.Errorf("Merge() mismatch (-want +got):\n%s", diff)
	}
}

// TestCheckedInFragmentsParse keeps the fragments valid and free of conflicts.
func TestCheckedInFragmentsParse(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("config", "*.fragment"))
	if len(files) == 0 {
		t.Fatal("no fragments in config/")
	}
	seen := map[string]string{}
	for _, f := range files {
		b, _ := os.ReadFile(f)
		c, err := ParseConfig(strings.NewReader(string(b)), f)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range c {
			if prev, ok := seen[k]; ok && prev != v {
				t.Errorf("%s: %s=%s conflicts with an earlier fragment (%s)", f, k, v, prev)
			}
			seen[k] = v
		}
	}
}

func FuzzParseConfig(f *testing.F) {
	f.Add("CONFIG_A=y\n# CONFIG_B is not set\n")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseConfig(strings.NewReader(s), "fuzz")
		if err == nil {
			for k, v := range c {
				if !strings.HasPrefix(k, "CONFIG_") || v == "" {
					t.Fatalf("ParseConfig accepted %q=%q", k, v)
				}
			}
		}
	})
}
