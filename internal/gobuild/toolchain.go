package gobuild

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// GoVersion is the pinned Go toolchain that compiles everything that goes
// into an artefact (the guest programs, u-root's commands), whatever Go the
// host has: the go command fetches it from the module proxy as the module
// golang.org/toolchain (GOTOOLCHAIN=GoVersion) and checks it against the
// checksum database; Toolchain checks it again against toolchainSums.
const GoVersion = "go1.26.8"

// toolchainSums are the module checksums (go.sum "h1:" form) of
// golang.org/toolchain@v0.0.1-<GoVersion>.<host>, by host. Produced with
//
//	go mod download -json golang.org/toolchain@v0.0.1-go1.26.8.linux-amd64   # "Sum"
var toolchainSums = map[string]string{
	"linux-amd64": "h1:ZOmGe1OnfREDMIdb1Qi4G9JSuDPBLGExZMQ4nis1RXM=",
}

// Toolchain returns the go command of the pinned toolchain, fetching it
// through the module proxy the first time. When the host's go is the
// pinned version it is used as is (Go toolchains of one version are
// bit-for-bit the same); otherwise the fetched module's checksum must be
// the pinned one.
func Toolchain(ctx context.Context) (string, error) {
	host := runtime.GOOS + "-" + runtime.GOARCH
	sum, ok := toolchainSums[host]
	if !ok {
		return "", fmt.Errorf("no pinned Go toolchain checksum for a %s host (internal/gobuild toolchainSums)", host)
	}
	goBin, err := GoBinary("")
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "manx-gotoolchain-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(dir)
	cmd := exec.CommandContext(ctx, goBin, "env", "GOROOT", "GOVERSION", "GOMODCACHE")
	cmd.Dir = dir // no go.mod: nothing but GOTOOLCHAIN picks the version
	cmd.Env = append(HostEnv(os.Environ()), "GOTOOLCHAIN="+GoVersion, "GOENV=off", "GOFLAGS=", "GOWORK=off")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("fetching the pinned Go toolchain %s (GOTOOLCHAIN=%s go env): %w\n%s", GoVersion, GoVersion, err, strings.TrimSpace(string(out)))
	}
	f := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(f) != 3 {
		return "", fmt.Errorf("GOTOOLCHAIN=%s go env: unexpected output %q", GoVersion, out)
	}
	goroot, version, modcache := f[0], f[1], f[2]
	if version != GoVersion {
		return "", fmt.Errorf("GOTOOLCHAIN=%s ran %s", GoVersion, version)
	}
	mod := "v0.0.1-" + GoVersion + "." + host
	if filepath.Clean(goroot) == filepath.Join(modcache, "golang.org", "toolchain@"+mod) {
		hashFile := filepath.Join(modcache, "cache", "download", "golang.org", "toolchain", "@v", mod+".ziphash")
		got, err := os.ReadFile(hashFile)
		if err != nil {
			return "", fmt.Errorf("checking the pinned Go toolchain: %w", err)
		}
		if strings.TrimSpace(string(got)) != sum {
			return "", fmt.Errorf("the Go toolchain module %s in %s has checksum %s, pinned %s", mod, modcache, strings.TrimSpace(string(got)), sum)
		}
	}
	return filepath.Join(goroot, "bin", "go"), nil
}

// GOROOT is the root of the toolchain whose go command is goBin ("" for
// "go" on PATH), as that command reports it without any GOROOT from the
// environment (a parent go command exports its own).
func GOROOT(ctx context.Context, goBin string) (string, error) {
	goBin, err := GoBinary(goBin)
	if err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, goBin, "env", "GOROOT")
	cmd.Env = append(HostEnv(os.Environ()), "GOTOOLCHAIN=local", "GOENV=off", "GOFLAGS=") // HostEnv drops GOROOT
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%s env GOROOT: %w", goBin, err)
	}
	return strings.TrimSpace(string(out)), nil
}
