package gobuild

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// WriteWrapper writes dir/go, a shell script that exports ToolchainEnv and
// execs goBin (resolved with GoBinary), and returns its path.
//
// u-root's builders run the compiler with the calling process's environment
// plus GOOS, GOARCH, CGO_ENABLED, GOPATH and GO111MODULE of their own; this
// wrapper, passed as their compiler, pins the rest without changing the
// process environment.
func WriteWrapper(dir, goBin string) (string, error) {
	real, err := GoBinary(goBin)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString("#!/bin/sh\n# Written by manx/internal/gobuild: pins the Go toolchain environment.\n")
	for _, kv := range toolchainEnv {
		k, v, _ := strings.Cut(kv, "=")
		fmt.Fprintf(&b, "export %s=%s\n", k, shellQuote(v))
	}
	fmt.Fprintf(&b, "exec %s \"$@\"\n", shellQuote(real))
	p := filepath.Join(dir, "go")
	if err := os.WriteFile(p, []byte(b.String()), 0o755); err != nil {
		return "", fmt.Errorf("writing go wrapper: %w", err)
	}
	if err := os.Chmod(p, 0o755); err != nil {
		return "", fmt.Errorf("writing go wrapper: %w", err)
	}
	return p, nil
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
