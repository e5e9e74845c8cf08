// Package buildenv resolves where Manx builds and caches things and which
// clock and toolchain a build uses. It is computed once and passed explicitly;
// nothing in it is global.
package buildenv

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// Env is the resolved build environment.
type Env struct {
	Root      string    // repository root (holds go.mod)
	BuildDir  string    // Root/build: every output
	CacheDir  string    // $XDG_CACHE_HOME/manx: downloads, toolchain images
	LogDir    string    // BuildDir/logs: one log per stage
	Epoch     time.Time // the repository's epoch: newest commit touching any build input (or SOURCE_DATE_EPOCH)
	Toolchain string    // debian, nix or host
	Version   string    // the repository's version: that commit as "g<hash>" (or MANX_VERSION)

	// EpochFromEnv and VersionFromEnv say SOURCE_DATE_EPOCH and
	// MANX_VERSION were set: they then stamp every artefact group,
	// instead of each group's own newest input commit.
	EpochFromEnv, VersionFromEnv bool
	// Stamps pin single groups' epoch and version (MANX_STAMPS, as
	// FormatStamps writes it): a rebuild from a copy without git history
	// gets the stamps of the checkout it copies.
	Stamps map[string]Stamp

	// KeysDir holds the Secure Boot and stboot keys: MANX_KEYS_DIR, else
	// Root/keys (git-ignored).
	KeysDir string
	// KeysDirFromEnv says MANX_KEYS_DIR was set. The default keys
	// directory is generated on first use; an explicit one must hold a
	// hierarchy already (only `mage keys` generates into it), so a
	// mistyped path is an error instead of new keys.
	KeysDirFromEnv bool
	// ReplaySignatures names a published signature log
	// (MANX_REPLAY_SIGNATURES): the build then holds no private key and
	// signs by replaying the publisher's signatures.
	ReplaySignatures string
	// OspkgPort is the OS package server's port on 127.0.0.1 (10.0.2.2 in
	// the guest): MANX_OSPKG_PORT, else DefaultOspkgPort. host.json in the
	// stboot initramfs names it, so changing it changes that initramfs.
	OspkgPort int
	// KeepRebuild keeps verify's and repro's rebuild tree
	// (MANX_KEEP_REBUILD) for diffoscope.
	KeepRebuild bool
}

// DefaultOspkgPort is the OS package server's default port.
const DefaultOspkgPort = 18480

// Environment variables Load reads (besides SOURCE_DATE_EPOCH).
const (
	EnvToolchain        = "MANX_TOOLCHAIN"
	EnvBuildDir         = "MANX_BUILD_DIR"
	EnvCacheDir         = "MANX_CACHE_DIR"
	EnvVersion          = "MANX_VERSION"
	EnvKeysDir          = "MANX_KEYS_DIR"
	EnvReplaySignatures = "MANX_REPLAY_SIGNATURES"
	EnvOspkgPort        = "MANX_OSPKG_PORT"
	EnvKeepRebuild      = "MANX_KEEP_REBUILD"
	EnvStamps           = "MANX_STAMPS"
)

// Toolchain backend names.
const (
	ToolchainDebian = "debian"
	ToolchainNix    = "nix"
	ToolchainHost   = "host"
)

// LoadHere resolves the environment for the repository containing the
// working directory.
func LoadHere() (*Env, error) {
	wd, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	return Load(wd)
}

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
	tc := os.Getenv(EnvToolchain)
	switch tc {
	case "":
		tc = ToolchainDebian
	case ToolchainDebian, ToolchainNix, ToolchainHost:
	default:
		return nil, fmt.Errorf("MANX_TOOLCHAIN=%q: want %s, %s or %s", tc, ToolchainDebian, ToolchainNix, ToolchainHost)
	}
	build := filepath.Join(root, "build")
	if b := os.Getenv(EnvBuildDir); b != "" {
		build, err = filepath.Abs(b)
		if err != nil {
			return nil, fmt.Errorf("MANX_BUILD_DIR: %w", err)
		}
	}
	port, err := ospkgPort(os.Getenv(EnvOspkgPort))
	if err != nil {
		return nil, err
	}
	keys := filepath.Join(root, "keys")
	if d := os.Getenv(EnvKeysDir); d != "" {
		if keys, err = filepath.Abs(d); err != nil {
			return nil, fmt.Errorf("%s: %w", EnvKeysDir, err)
		}
	}
	replay := os.Getenv(EnvReplaySignatures)
	if replay != "" {
		if replay, err = filepath.Abs(replay); err != nil {
			return nil, fmt.Errorf("%s: %w", EnvReplaySignatures, err)
		}
	}
	stamps, err := ParseStamps(os.Getenv(EnvStamps))
	if err != nil {
		return nil, err
	}
	return &Env{
		EpochFromEnv:     os.Getenv("SOURCE_DATE_EPOCH") != "",
		VersionFromEnv:   os.Getenv(EnvVersion) != "",
		Stamps:           stamps,
		Root:             root,
		BuildDir:         build,
		CacheDir:         cache,
		LogDir:           filepath.Join(build, "logs"),
		Epoch:            epoch,
		Toolchain:        tc,
		Version:          Version(root),
		KeysDir:          keys,
		KeysDirFromEnv:   os.Getenv(EnvKeysDir) != "",
		ReplaySignatures: replay,
		OspkgPort:        port,
		KeepRebuild:      os.Getenv(EnvKeepRebuild) != "",
	}, nil
}

// ospkgPort parses MANX_OSPKG_PORT ("" is DefaultOspkgPort).
func ospkgPort(s string) (int, error) {
	if s == "" {
		return DefaultOspkgPort, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 65535 {
		return 0, fmt.Errorf("%s=%q: want a TCP port 1..65535", EnvOspkgPort, s)
	}
	return n, nil
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
	if d := os.Getenv(EnvCacheDir); d != "" {
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
