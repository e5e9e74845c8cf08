// Package ci holds checks of Manx's CI configuration: the GitHub Actions
// workflow must pass actionlint, fetched through the Go module proxy at a
// pinned version.
package ci

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Actionlint is the pinned actionlint module (never @latest).
const Actionlint = "github.com/rhysd/actionlint/cmd/actionlint@v1.7.12"

const workflow = ".github/workflows/build.yml"

// goEnv is the environment for `go run pkg@version`: outside the module's
// GOFLAGS, local toolchain.
func goEnv() []string {
	return append(os.Environ(), "GOFLAGS=", "GOTOOLCHAIN=local", "GOWORK=off")
}

func TestActionlint(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, workflow)); err != nil {
		t.Fatalf("workflow: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()

	// Fetch first, so "proxy unreachable" is told apart from lint findings.
	mod, _, _ := strings.Cut(Actionlint, "/cmd/")
	version := Actionlint[strings.LastIndex(Actionlint, "@"):]
	dl := exec.CommandContext(ctx, "go", "mod", "download", "-json", mod+version)
	dl.Dir = t.TempDir()
	dl.Env = goEnv()
	if out, err := dl.CombinedOutput(); err != nil {
		t.Skipf("cannot fetch %s%s from the Go module proxy (offline or GOPROXY unreachable), workflow not linted: %v\n%s", mod, version, err, out)
	}

	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, "go", "run", Actionlint, "-no-color", workflow)
	cmd.Dir = root
	cmd.Env = goEnv()
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Errorf("actionlint %s: %v\n%s%s", workflow, err, stdout.String(), stderr.String())
	}
}
