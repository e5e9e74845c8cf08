package publish

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"

	"manx/catalog"
	"manx/internal/buildenv"
	"manx/internal/repro"
)

// groupFailure is one artefact group the rebuild could not build.
type groupFailure struct {
	group catalog.Group
	err   error
}

// rebuild is a build of some groups from a copy of the repository.
type rebuild struct {
	root     string // the temporary directory; the build is in root/build
	failed   []groupFailure
	cleanup  func()
	buildDir string
}

// rebuildElsewhere builds groups from a copy of the repository at another
// path, with a cold build directory (MANX_BUILD_DIR), umask 027, another
// time zone and locale, each group's stamp (the copy has no git history, so
// MANX_STAMPS carries this checkout's), and env (which keys to sign with). Downloads and the toolchain image stay cached.
// Each group is its own run of the build graph (go run ./cmd/manx build
// GROUP), so one that fails (reported in failed) does not stop the others.
// The rebuild is removed by cleanup unless MANX_KEEP_REBUILD is set.
func (pb Publisher) rebuildElsewhere(ctx context.Context, groups []catalog.Group, env []string) (*rebuild, error) {
	p := pb.P
	tmp, err := os.MkdirTemp("", "manx-verify-")
	if err != nil {
		return nil, err
	}
	rb := &rebuild{root: tmp, buildDir: filepath.Join(tmp, "build"), cleanup: func() {
		if !p.Env.KeepRebuild {
			os.RemoveAll(tmp)
		}
	}}
	copyRoot := filepath.Join(tmp, "elsewhere", "manx")
	if err := repro.CopyRepo(ctx, p.Env.Root, copyRoot); err != nil {
		rb.cleanup()
		return nil, err
	}
	stamps, err := p.Stamps(ctx)
	if err != nil {
		rb.cleanup()
		return nil, err
	}
	p.Log.Info("Rebuilding from a copy of the repository", "groups", groups, "path", copyRoot,
		"note", "umask 027, TZ=America/St_Johns, LANG=de_DE.UTF-8, cold build dir")
	for _, g := range groups {
		// umask 027 for the rebuild: artefacts must not depend on it.
		cmd := exec.CommandContext(ctx, "sh", "-c", `umask 027 && exec go run ./cmd/manx build "$1"`, "sh", string(g))
		cmd.Dir = copyRoot
		cmd.Env = append(append(os.Environ(),
			"SOURCE_DATE_EPOCH="+strconv.FormatInt(p.Env.Epoch.Unix(), 10),
			buildenv.EnvVersion+"="+p.Env.Version,
			buildenv.EnvStamps+"="+buildenv.FormatStamps(stamps),
			buildenv.EnvBuildDir+"="+rb.buildDir,
			"TZ=America/St_Johns", "LANG=de_DE.UTF-8", "LC_ALL="), env...)
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			if ctx.Err() != nil {
				rb.cleanup()
				return nil, ctx.Err()
			}
			p.Log.Error("Rebuild of an artefact group failed; going on with the others", "group", g, "err", err)
			rb.failed = append(rb.failed, groupFailure{group: g, err: fmt.Errorf("go run ./cmd/manx build %s: %w", g, err)})
		}
	}
	return rb, nil
}
