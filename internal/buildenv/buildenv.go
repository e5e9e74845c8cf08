// Package buildenv resolves where Manx builds and caches things and which
// clock and toolchain a build uses. It is computed once and passed explicitly;
// nothing in it is global.
package buildenv

import (
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Env is the resolved build environment.
type Env struct {
	Root      string    // repository root (holds go.mod)
	BuildDir  string    // Root/build: every output
	CacheDir  string    // $XDG_CACHE_HOME/manx: downloads, toolchain images
	LogDir    string    // BuildDir/logs: one log per stage
	Epoch     time.Time // SOURCE_DATE_EPOCH, UTC
	Toolchain string    // debian, nix or host
	Version   string    // Manx version string from git
}

// Toolchain backend names.
const (
	ToolchainDebian = "debian"
	ToolchainNix    = "nix"
	ToolchainHost   = "host"
)

// Load resolves the environment for the repository containing dir.
func Load(dir string) (*Env, error) {
	root, err := FindRoot(dir)
	if err != nil {
		return nil, err
	}
	cache, err := cacheDir()
	if err != nil {
		return nil, err
	}
	epoch, err := SourceDateEpoch(root)
	if err != nil {
		return nil, err
	}
	tc := os.Getenv("MANX_TOOLCHAIN")
	switch tc {
	case "":
		tc = ToolchainDebian
	case ToolchainDebian, ToolchainNix, ToolchainHost:
	default:
		return nil, fmt.Errorf("MANX_TOOLCHAIN=%q: want %s, %s or %s", tc, ToolchainDebian, ToolchainNix, ToolchainHost)
	}
	build := filepath.Join(root, "build")
	if b := os.Getenv("MANX_BUILD_DIR"); b != "" {
		build, err = filepath.Abs(b)
		if err != nil {
			return nil, fmt.Errorf("MANX_BUILD_DIR: %w", err)
		}
	}
	return &Env{
		Root:      root,
		BuildDir:  build,
		CacheDir:  cache,
		LogDir:    filepath.Join(build, "logs"),
		Epoch:     epoch,
		Toolchain: tc,
		Version:   Version(root),
	}, nil
}

// Path joins elements under the build directory.
func (e *Env) Path(elem ...string) string {
	return filepath.Join(append([]string{e.BuildDir}, elem...)...)
}

// FindRoot walks up from dir to the directory holding go.mod.
func FindRoot(dir string) (string, error) {
	d, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("no go.mod above %s: run from the Manx repository", dir)
		}
		d = parent
	}
}

func cacheDir() (string, error) {
	if d := os.Getenv("MANX_CACHE_DIR"); d != "" {
		return filepath.Abs(d)
	}
	if d := os.Getenv("XDG_CACHE_HOME"); d != "" {
		return filepath.Join(d, "manx"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("locating the cache directory: %w", err)
	}
	return filepath.Join(home, ".cache", "manx"), nil
}
