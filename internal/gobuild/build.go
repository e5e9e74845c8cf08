package gobuild

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Options describe one go build of a single main package.
type Options struct {
	Package    string       // import path ("manx/userland/cmd/init") or directory ("./userland/cmd/init")
	Out        string       // output file; written via a temporary file and a rename
	Dir        string       // working directory of the go command: the module root
	GOARCH     string       // target architecture; default amd64 (GOOS is always linux)
	VersionVar string       // fully qualified string variable set with -X, e.g. "main.version"; empty: none
	Version    string       // value for VersionVar, from git
	Go         string       // go binary; default: "go" on PATH
	Logger     *slog.Logger // nil: discard
}

// Command returns the go build command Build runs for o, writing to out.
func Command(ctx context.Context, o Options, out string) (*exec.Cmd, error) {
	if o.Package == "" {
		return nil, errors.New("gobuild: no package")
	}
	if o.Dir == "" {
		return nil, errors.New("gobuild: no module directory")
	}
	goBin, err := GoBinary(o.Go)
	if err != nil {
		return nil, err
	}
	flags, err := Flags(o.VersionVar, o.Version)
	if err != nil {
		return nil, fmt.Errorf("gobuild %s: %w", o.Package, err)
	}
	args := append([]string{"build", "-o", out}, flags...)
	args = append(args, o.Package)
	cmd := exec.CommandContext(ctx, goBin, args...)
	cmd.Dir = o.Dir
	cmd.Env = append(HostEnv(os.Environ()), Env(o.GOARCH)...)
	return cmd, nil
}

// Build runs go build for one package into o.Out. Nothing is left at o.Out
// if the build fails.
func Build(ctx context.Context, o Options) error {
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if o.Out == "" {
		return errors.New("gobuild: no output path")
	}
	out, err := filepath.Abs(o.Out)
	if err != nil {
		return fmt.Errorf("gobuild %s: %w", o.Package, err)
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return fmt.Errorf("gobuild %s: %w", o.Package, err)
	}
	tmp := out + ".tmp"
	cmd, err := Command(ctx, o, tmp)
	if err != nil {
		return err
	}
	var output bytes.Buffer
	cmd.Stdout = &output
	cmd.Stderr = &output
	log.Debug("Running go build", "package", o.Package, "args", cmd.Args)
	if err := cmd.Run(); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("go build %s: %w\n%s", o.Package, err, strings.TrimSpace(output.String()))
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("gobuild %s: %w", o.Package, err)
	}
	if err := os.Rename(tmp, out); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("gobuild %s: %w", o.Package, err)
	}
	log.Info("Built Go binary", "package", o.Package, "out", out)
	return nil
}

// GoBinary resolves the go command: goBin if set, else "go" on PATH, as an
// absolute path.
func GoBinary(goBin string) (string, error) {
	if goBin == "" {
		goBin = "go"
	}
	p, err := exec.LookPath(goBin)
	if err != nil {
		return "", fmt.Errorf("locating the go command: %w", err)
	}
	p, err = filepath.Abs(p)
	if err != nil {
		return "", fmt.Errorf("locating the go command: %w", err)
	}
	return p, nil
}

// hostGoVars are the GO* variables passed through from the host: where
// caches live and how modules are fetched, none of which changes the bytes
// of a binary. Every other GO* and CGO_* variable is dropped and replaced
// by Env.
var hostGoVars = map[string]bool{
	"GOCACHE":    true,
	"GOMODCACHE": true,
	"GOPATH":     true,
	"GOPROXY":    true,
	"GONOPROXY":  true,
	"GONOSUMDB":  true,
	"GOPRIVATE":  true,
	"GOSUMDB":    true,
	"GOINSECURE": true,
	"GOAUTH":     true,
	"GOVCS":      true,
	"GOTMPDIR":   true,
}

// HostEnv filters environ (os.Environ form): it keeps non-Go variables and
// the cache and module-fetching GO* variables, and drops every other GO*
// and CGO_* variable.
func HostEnv(environ []string) []string {
	var out []string
	for _, kv := range environ {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "CGO_") || (strings.HasPrefix(k, "GO") && !hostGoVars[k]) {
			continue
		}
		out = append(out, kv)
	}
	return out
}
