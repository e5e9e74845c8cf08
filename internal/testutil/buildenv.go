package testutil

import (
	"os"
	"testing"

	"manx/internal/buildenv"
)

// BuildEnv is the build environment of the repository the test runs in
// (MANX_BUILD_DIR and the other MANX_* variables apply), for tests that
// check built artefacts (build tags oracle and vm). mage test builds
// everything before it runs them; run by hand, they read what the last
// build left.
func BuildEnv(tb testing.TB) *buildenv.Env {
	tb.Helper()
	env, err := buildenv.LoadHere()
	if err != nil {
		tb.Fatalf("loading the build environment: %v", err)
	}
	return env
}

// Built returns path after checking it exists: a built artefact a test
// reads. A missing one fails the test with how to build it.
func Built(tb testing.TB, path string) string {
	tb.Helper()
	if _, err := os.Stat(path); err != nil {
		tb.Fatalf("%v (build first: go run mage.go buildAll)", err)
	}
	return path
}
