package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"manx/deploy/profile"
)

// Test runs every check and ends with one summary line.
func (a *App) Test(ctx context.Context) error {
	type outcome struct {
		name    string
		err     error
		note    string
		skipped bool
	}
	var results []outcome
	add := func(name string, err error, note string) {
		results = append(results, outcome{name: name, err: err, note: note})
		if err != nil {
			a.Log.Error("Check failed", "check", name, "err", err)
		}
	}
	// Setup first: tests use oracles (sbverify, objdump, mtools, fsck.fat,
	// sfdisk) and apt sources (bookworm-backports) that setup provides.
	setupErr := a.Setup(ctx)
	add("setup", setupErr, "host tools present")
	add("versions", a.CheckVersions(), "VERSIONS.md matches pins.json")

	start := time.Now()
	cmd := exec.CommandContext(ctx, "go", "test", "./...")
	cmd.Dir = a.Env.Root
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	err := cmd.Run()
	add("go test ./...", err, fmt.Sprintf("%s", time.Since(start).Round(time.Second)))

	add("nix static checks", a.checkNix(ctx), "flake parses and evaluates against the stub nixpkgs (nix-instantiate); workflow linted")

	add("varstore oracle", a.checkBlankStore(ctx), "our blank raw store == the VARS template our OVMF build emits")
	add("PE oracles", a.checkPEOracles(ctx), "sbverify (db cert) accepts both signed UKIs and the signed kernel, refuses the tampered UKI; objdump -h: UKI sections in order, aligned")

	if setupErr == nil {
		for _, p := range profile.All() {
			res, err := a.CheckProfile(ctx, p.ID)
			if errors.Is(err, ErrNoSNP) {
				results = append(results, outcome{name: "boot " + p.ID, note: err.Error(), skipped: true})
				continue
			}
			var marks []string
			for _, m := range res.Markers {
				marks = append(marks, fmt.Sprintf("%q at %s", m.Marker, m.At))
			}
			note := strings.Join(marks, ", ")
			if res.Screendump != "" {
				note += "; screen: cat (" + res.Screendump + ")"
			}
			add("boot "+p.ID, err, note)
		}
	}

	if setupErr == nil {
		summary, err := a.CheckHashes(ctx)
		add("hashes "+HashesFile, err, summary)
	}

	passed, failed, skipped := 0, 0, 0
	fmt.Println()
	for _, r := range results {
		status := "PASS"
		if r.skipped {
			status = "SKIP"
			skipped++
		} else if r.err != nil {
			status = "FAIL"
			failed++
			r.note = strings.TrimSpace(oneLine(r.err, 600) + "; " + r.note)
		} else if !r.skipped {
			passed++
		}
		fmt.Printf("%s  %-45s %s\n", status, r.name, r.note)
	}
	fmt.Printf("checks: %d passed, %d failed, %d skipped\n", passed, failed, skipped)
	if failed > 0 {
		return fmt.Errorf("%d check(s) failed", failed)
	}
	return nil
}

// checkNix runs the flake's static checks (internal/nixcheck, the workflow
// lint in internal/ci, nix/cmd) and insists that Nix is there: those tests
// skip without nix-instantiate, which would hide that the flake went
// unchecked.
func (a *App) checkNix(ctx context.Context) error {
	if _, err := exec.LookPath("nix-instantiate"); err != nil {
		return fmt.Errorf("nix-instantiate not found (setup installs Debian's nix-bin): %w", err)
	}
	cmd := exec.CommandContext(ctx, "go", "test", "./internal/nixcheck/...", "./internal/ci/...", "./nix/...")
	cmd.Dir = a.Env.Root
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("go test of the Nix checks: %w\n%s", err, out)
	}
	return nil
}

// oneLine renders err on one line of at most max bytes, so the summary
// table, often all a CI log keeps, still says why a check failed (a tool's
// output usually follows the first line).
func oneLine(err error, max int) string {
	s := strings.Join(strings.Fields(err.Error()), " ")
	if len(s) > max {
		s = s[:max] + "..."
	}
	return s
}
