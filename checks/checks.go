// Package checks is `mage test`: it sets up the host, builds every
// artefact, then runs the suites that judge them and prints one summary
// line per check. The suites are ordinary `go test` runs: the unit tests,
// the Nix static checks, the oracle tests on built artefacts (build tag
// oracle) and the boot matrix (build tag vm, one subtest per profile).
package checks

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"manx/internal/pins"
	"manx/internal/setup"
	"manx/internal/toolchain"
	"manx/pipeline"
	"manx/publish"
)

// Result is one line of the summary.
type Result struct {
	Name    string
	Err     error
	Note    string
	Skipped bool
}

// Run runs every check, printing progress and the summary to out; it fails
// when any check failed.
func Run(ctx context.Context, p *pipeline.Pipeline, out io.Writer) error {
	var results []Result
	add := func(rs ...Result) {
		for _, r := range rs {
			if r.Err != nil {
				p.Log.Error("Check failed", "check", r.Name, "err", r.Err)
			}
		}
		results = append(results, rs...)
	}
	// Setup first: tests use oracles (sbverify, objdump, mtools, fsck.fat,
	// sfdisk, nix-instantiate) and apt sources that setup provides.
	setupErr := setup.Ensure(ctx, setup.RealHost(), p.Log)
	add(Result{Name: "setup", Err: setupErr, Note: "host tools present"})
	add(Result{Name: "versions", Err: pins.CheckVersionsMD(p.Env.Root, toolchain.Packages), Note: "VERSIONS.md matches pins.json"})

	root := p.Env.Root
	start := time.Now()
	err := goTest(ctx, root, out, nil, "./...")
	add(Result{Name: "go test ./...", Err: err, Note: time.Since(start).Round(time.Second).String()})
	add(Result{Name: "nix static checks", Err: nixChecks(ctx, root),
		Note: "flake parses and evaluates against the stub nixpkgs (nix-instantiate); workflow linted"})
	if setupErr != nil {
		return summarize(out, results)
	}

	// Every check below reads built files: build them all first, so a
	// clean clone has what each one reads.
	start = time.Now()
	err = p.All(ctx)
	add(Result{Name: "build all", Err: err, Note: time.Since(start).Round(time.Second).String()})
	if err != nil {
		return summarize(out, results)
	}
	add(suite(ctx, root, out, "oracle", "oracle ", "^TestBuilt", "./...")...)
	add(suite(ctx, root, out, "vm", "boot ", "^TestBoot$", "./deploy/...")...)

	summary, err := publish.Publisher{P: p}.Check(ctx)
	add(Result{Name: "hashes " + publish.HashesFile, Err: err, Note: summary})
	return summarize(out, results)
}

// summarize prints the summary table and the closing count line.
func summarize(out io.Writer, results []Result) error {
	passed, failed, skipped := 0, 0, 0
	fmt.Fprintln(out)
	for _, r := range results {
		status, note := "PASS", r.Note
		switch {
		case r.Skipped:
			status = "SKIP"
			skipped++
		case r.Err != nil:
			status = "FAIL"
			failed++
			note = strings.TrimSuffix(strings.TrimSpace(oneLine(r.Err.Error(), 600)+"; "+note), ";")
		default:
			passed++
		}
		fmt.Fprintf(out, "%s  %-45s %s\n", status, r.Name, note)
	}
	fmt.Fprintf(out, "checks: %d passed, %d failed, %d skipped\n", passed, failed, skipped)
	if failed > 0 {
		return fmt.Errorf("%d check(s) failed", failed)
	}
	return nil
}

// oneLine renders s on one line of at most max bytes (cut on a rune
// boundary), so the summary table, often all a CI log keeps, still says
// why a check failed (a tool's output usually follows the first line).
func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}
