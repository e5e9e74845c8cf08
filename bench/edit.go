// Package bench measures Manx's edit loop: how long a developer waits
// between committing a change and having the artefacts it affects. It
// works in a scratch clone of the repository (with a copy of the build
// directory, so the cached stages count), commits there and runs the build
// graph (`go run ./cmd/manx build`) as a developer would. It prints figures;
// nothing asserts a time.
package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"manx/catalog"
	"manx/internal/buildenv"
	"manx/internal/recipe"
)

// Edit runs the edit-loop benchmarks in a scratch clone of env's
// repository: a one-line change to the guest's init rebuilt to a new signed
// UKI, and a magefile-only change rebuilt with every group. It writes one
// line per figure to out.
func Edit(ctx context.Context, env *buildenv.Env, out io.Writer) error {
	scratch, err := os.MkdirTemp("", "manx-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(scratch)
	repo := filepath.Join(scratch, "manx")
	if err := run(ctx, env.Root, nil, "git", "clone", "--quiet", "--no-hardlinks", env.Root, repo); err != nil {
		return err
	}
	build := filepath.Join(scratch, "build")
	if err := run(ctx, env.Root, nil, "cp", "-a", env.BuildDir, build); err != nil {
		return fmt.Errorf("copying the build directory (build everything first): %w", err)
	}
	b := &bench{repo: repo, env: []string{buildenv.EnvBuildDir + "=" + build, buildenv.EnvKeysDir + "=" + env.KeysDir}, out: out, buildDir: build}

	warm, err := b.build(ctx, "all")
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "bench: scratch clone, cached build, nothing changed -> build all: %s\n", warm.Round(100*time.Millisecond))

	before, err := b.hashes()
	if err != nil {
		return err
	}
	if err := b.editAndCommit(ctx, "userland/cmd/init/main.go", `"init panicked: %v\n%s"`, `"init panicked (bench edit): %v\n%s"`, "bench: one line of the guest init"); err != nil {
		return err
	}
	d, err := b.build(ctx, string(catalog.GroupUKI))
	if err != nil {
		return err
	}
	after, err := b.hashes()
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "bench: edit one line of the guest init, commit -> new signed UKI: %s (changed: %s)\n",
		d.Round(100*time.Millisecond), strings.Join(changed(before, after), ", "))

	// Bring the other groups that contain the initramfs (stboot, measure)
	// up to date, so the next figure starts from a complete build.
	d, err = b.build(ctx, "all")
	if err != nil {
		return err
	}
	rest, err := b.hashes()
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "bench: the same edit, the other groups that contain the initramfs -> build all: %s (changed: %s)\n",
		d.Round(100*time.Millisecond), strings.Join(changed(after, rest), ", "))
	after = rest

	if err := b.editAndCommit(ctx, "magefiles/magefile.go", "package main\n", "package main\n\n// bench: a magefile-only change.\n", "bench: a magefile-only change"); err != nil {
		return err
	}
	d, err = b.build(ctx, "all")
	if err != nil {
		return err
	}
	final, err := b.hashes()
	if err != nil {
		return err
	}
	ch := changed(after, final)
	if len(ch) == 0 {
		ch = []string{"none"}
	}
	fmt.Fprintf(out, "bench: magefile-only commit -> build all: %s (changed: %s)\n", d.Round(100*time.Millisecond), strings.Join(ch, ", "))
	return nil
}

type bench struct {
	repo, buildDir string
	env            []string
	out            io.Writer
}

// build runs the build graph for groups ("all" for every group) and
// returns how long it took.
func (b *bench) build(ctx context.Context, group string) (time.Duration, error) {
	args := []string{"run", "./cmd/manx", "build"}
	if group != "all" {
		args = append(args, group)
	}
	start := time.Now()
	err := run(ctx, b.repo, b.env, "go", args...)
	return time.Since(start), err
}

// editAndCommit replaces old with new in file and commits the change.
func (b *bench) editAndCommit(ctx context.Context, file, old, new, msg string) error {
	p := filepath.Join(b.repo, file)
	src, err := os.ReadFile(p)
	if err != nil {
		return err
	}
	if !strings.Contains(string(src), old) {
		return fmt.Errorf("bench: %s no longer contains %q: update bench/edit.go", file, old)
	}
	if err := os.WriteFile(p, []byte(strings.Replace(string(src), old, new, 1)), 0o644); err != nil {
		return err
	}
	return run(ctx, b.repo, nil, "git", "-c", "user.name=bench", "-c", "user.email=bench@manx.invalid", "commit", "--quiet", "-am", msg)
}

// hashes are the sha256s of every published artefact in the build.
func (b *bench) hashes() (map[string]string, error) {
	out := map[string]string{}
	for _, a := range catalog.Published() {
		x, err := recipe.Describe(a.In(b.buildDir))
		if err != nil {
			return nil, err
		}
		out[a.Name] = x.SHA256
	}
	return out, nil
}

// changed names the artefacts whose hash differs.
func changed(before, after map[string]string) []string {
	var out []string
	for _, a := range catalog.Published() {
		if before[a.Name] != after[a.Name] {
			out = append(out, a.Name)
		}
	}
	return out
}

func run(ctx context.Context, dir string, env []string, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w", name, strings.Join(args, " "), err)
	}
	return nil
}
