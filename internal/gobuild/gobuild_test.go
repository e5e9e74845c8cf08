package gobuild

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFlags(t *testing.T) {
	for _, tc := range []struct {
		name, varName, version string
		want                   []string
		wantErr                bool
	}{
		{"no version", "", "", []string{"-trimpath", "-buildvcs=false", "-ldflags", "-s -w -buildid="}, false},
		{"version", "main.version", "g0123abc", []string{"-trimpath", "-buildvcs=false", "-ldflags", "-s -w -buildid= -X main.version=g0123abc"}, false},
		{"dirty", "main.version", "g0123abc-dirty", []string{"-trimpath", "-buildvcs=false", "-ldflags", "-s -w -buildid= -X main.version=g0123abc-dirty"}, false},
		{"empty version", "main.version", "", nil, true},
		{"space", "main.version", "1 2", nil, true},
		{"quote", "main.version", `a"b`, nil, true},
		{"non-ASCII", "main.version", "é", nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Flags(tc.varName, tc.version)
			if (err != nil) != tc.wantErr {
				t.Fatalf("Flags(%q, %q) error = %v, want error %v", tc.varName, tc.version, err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Flags(%q, %q) mismatch (-want +got):\n%s", tc.varName, tc.version, diff)
			}
		})
	}
}

func TestEnv(t *testing.T) {
	want := []string{"CGO_ENABLED=0", "GOOS=linux", "GOARCH=arm64", "GOTOOLCHAIN=local", "GOENV=off", "GOFLAGS=", "GOEXPERIMENT=", "GOWORK=off", "GOAMD64=v1"}
	if diff := cmp.Diff(want, Env("arm64")); diff != "" {
		t.Errorf("Env(arm64) mismatch (-want +got):\n%s", diff)
	}
	if got := Env(""); got[2] != "GOARCH=amd64" {
		t.Errorf("Env(\"\")[2] = %q, want GOARCH=amd64", got[2])
	}
}

func TestHostEnv(t *testing.T) {
	in := []string{"PATH=/bin", "HOME=/root", "GOFLAGS=-mod=mod", "GOCACHE=/c", "GOPROXY=off", "CGO_ENABLED=1",
		"CGO_CFLAGS=-O3", "GOAMD64=v3", "GOROOT=/x", "GOEXPERIMENT=foo", "GOPATH=/gp", "GOTOOLCHAIN=auto", "GOLDEN=1"}
	want := []string{"PATH=/bin", "HOME=/root", "GOCACHE=/c", "GOPROXY=off", "GOPATH=/gp"}
	if diff := cmp.Diff(want, HostEnv(in)); diff != "" {
		t.Errorf("HostEnv mismatch (-want +got):\n%s", diff)
	}
}

func TestCommand(t *testing.T) {
	cmd, err := Command(context.Background(), Options{Package: "manx/x", Dir: "/src", VersionVar: "main.version", Version: "v1"}, "/out/x")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"build", "-o", "/out/x", "-trimpath", "-buildvcs=false", "-ldflags", "-s -w -buildid= -X main.version=v1", "manx/x"}
	if diff := cmp.Diff(want, cmd.Args[1:]); diff != "" {
		t.Errorf("Command args mismatch (-want +got):\n%s", diff)
	}
	if cmd.Dir != "/src" {
		t.Errorf("Command Dir = %q, want /src", cmd.Dir)
	}
	if _, err := Command(context.Background(), Options{Dir: "/src"}, "/o"); err == nil {
		t.Errorf("Command(no package) error = nil, want error")
	}
}

func TestWriteWrapper(t *testing.T) {
	dir := t.TempDir()
	p, err := WriteWrapper(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(p, "env", "GOTOOLCHAIN", "GOFLAGS", "GOWORK")
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOTOOLCHAIN=auto")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("running wrapper: %v", err)
	}
	if got, want := string(out), "local\n\noff\n"; got != want {
		t.Errorf("wrapper go env = %q, want %q", got, want)
	}
	script, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(script), "export GOENV='off'\n") {
		t.Errorf("wrapper = %q, want it to export GOENV=off", script)
	}
}

// TestBuild builds testdata/hello twice and checks that the binaries are
// identical, stamped with the version and runnable.
func TestBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go build")
	}
	dir := t.TempDir()
	var bins [][]byte
	for i := range 2 {
		out := filepath.Join(dir, "bin", string(rune('a'+i)))
		err := Build(context.Background(), Options{
			Package: "./testdata/hello", Out: out, Dir: ".", GOARCH: runtime.GOARCH,
			VersionVar: "main.version", Version: "gtest",
		})
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		bins = append(bins, b)
	}
	if !bytes.Equal(bins[0], bins[1]) {
		t.Errorf("two builds differ")
	}
	if runtime.GOOS == "linux" {
		out, err := exec.Command(filepath.Join(dir, "bin", "a")).Output()
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.TrimSpace(string(out)); got != "gtest" {
			t.Errorf("hello printed %q, want gtest", got)
		}
	}
	info, err := exec.Command("go", "version", "-m", filepath.Join(dir, "bin", "a")).Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"-trimpath=true", "CGO_ENABLED=0", "GOAMD64=v1"} {
		if runtime.GOARCH == "amd64" || want != "GOAMD64=v1" {
			if !strings.Contains(string(info), want) {
				t.Errorf("go version -m = %s, want it to contain %q", info, want)
			}
		}
	}
	if strings.Contains(string(info), "vcs.") {
		t.Errorf("go version -m = %s, want no VCS stamp", info)
	}
	if _, err := os.Stat(filepath.Join(dir, "bin", "a.tmp")); !os.IsNotExist(err) {
		t.Errorf("temporary file left behind: %v", err)
	}
}

func TestBuildFailureLeavesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go build")
	}
	out := filepath.Join(t.TempDir(), "x")
	err := Build(context.Background(), Options{Package: "./testdata/nonexistent", Out: out, Dir: "."})
	if err == nil {
		t.Fatal("Build(nonexistent) error = nil, want error")
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("Build(nonexistent) left %s: %v", out, err)
	}
}

// TestToolchain fetches (or finds) the pinned toolchain and checks it is
// the pinned version, whatever the go running the test.
func TestToolchain(t *testing.T) {
	goBin, err := Toolchain(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(goBin, "env", "GOVERSION")
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN=local")
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(string(out)); got != GoVersion {
		t.Errorf("the pinned toolchain is %s, want %s", got, GoVersion)
	}
}
