// Package gobuild is the one place that defines how Manx builds Go binaries:
// the pinned environment, the flags, and a Build function for a single
// package. Every target and every other builder (u-root's, through Env,
// Flags and WriteWrapper) takes its settings from here, so two builds of the
// same source produce the same bytes.
package gobuild

import (
	"fmt"
	"strings"
)

// DefaultGOOS and DefaultGOARCH are the target Manx builds for.
const (
	DefaultGOOS   = "linux"
	DefaultGOARCH = "amd64"
)

// toolchainEnv pins everything that changes the go command's output other
// than the target and cgo (which u-root's builder sets itself):
//
//   - GOTOOLCHAIN=local: never download or switch to another toolchain.
//   - GOENV=off: ignore the user's go env file (`go env -w`), which could set
//     GOFLAGS, GOAMD64 or GOEXPERIMENT behind our back.
//   - GOFLAGS, GOEXPERIMENT empty: with GOENV=off these mean "none".
//   - GOWORK=off: a go.work above a checkout must not change module resolution.
//   - GOAMD64=v1: the baseline the QEMU CPU models run; ignored for other
//     architectures.
var toolchainEnv = []string{
	"GOTOOLCHAIN=local",
	"GOENV=off",
	"GOFLAGS=",
	"GOEXPERIMENT=",
	"GOWORK=off",
	"GOAMD64=v1",
}

// Env returns the variables that pin a Manx Go build for goarch (default
// amd64) on Linux: no cgo, the local toolchain, no go env file, no
// GOFLAGS/GOEXPERIMENT, no workspace, GOAMD64=v1.
func Env(goarch string) []string {
	if goarch == "" {
		goarch = DefaultGOARCH
	}
	env := []string{
		"CGO_ENABLED=0",
		"GOOS=" + DefaultGOOS,
		"GOARCH=" + goarch,
	}
	return append(env, toolchainEnv...)
}

// ToolchainEnv returns the part of Env that is not the target or cgo: what a
// builder that sets GOOS, GOARCH and CGO_ENABLED itself (u-root's) still
// needs.
func ToolchainEnv() []string {
	return append([]string(nil), toolchainEnv...)
}

// Flags returns the go build flags: -trimpath, -buildvcs=false and
// -ldflags "-s -w -buildid=" plus "-X versionVar=version" when versionVar is
// set. The version comes from git (buildenv.Version), never from a clock.
func Flags(versionVar, version string) ([]string, error) {
	ld := "-s -w -buildid="
	if versionVar != "" {
		if err := checkVersion(version); err != nil {
			return nil, err
		}
		ld += " -X " + versionVar + "=" + version
	}
	return []string{"-trimpath", "-buildvcs=false", "-ldflags", ld}, nil
}

// checkVersion rejects strings that -ldflags would split or unquote.
func checkVersion(v string) error {
	if v == "" {
		return fmt.Errorf("version: empty")
	}
	if i := strings.IndexFunc(v, func(r rune) bool {
		return r <= ' ' || r == '"' || r == '\'' || r == '\\' || r > '~'
	}); i >= 0 {
		return fmt.Errorf("version %q: character %q at %d not allowed (want printable ASCII without spaces or quotes)", v, v[i], i)
	}
	return nil
}
