package checks

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"
)

// goTest runs `go test args...` in root, streaming its output to out.
func goTest(ctx context.Context, root string, out io.Writer, env []string, args ...string) error {
	cmd := exec.CommandContext(ctx, "go", append([]string{"test"}, args...)...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = out, out
	return cmd.Run()
}

// nixChecks runs the flake's static checks (internal/nixcheck, the
// workflow lint in internal/ci, cmd/manx-uki) and insists that Nix is
// there: those tests skip without nix-instantiate, which would hide that
// the flake went unchecked.
func nixChecks(ctx context.Context, root string) error {
	if _, err := exec.LookPath("nix-instantiate"); err != nil {
		return fmt.Errorf("nix-instantiate not found (setup installs Debian's nix-bin): %w", err)
	}
	cmd := exec.CommandContext(ctx, "go", "test", "./internal/nixcheck/...", "./internal/ci/...", "./cmd/manx-uki/...")
	cmd.Dir = root
	b, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("go test of the Nix checks: %w\n%s", err, b)
	}
	return nil
}

// event is one line of `go test -json`.
type event struct {
	Action  string
	Package string
	Test    string
	Output  string
	Elapsed float64
}

// NotePrefix starts the line a tagged test logs for its summary line
// (t.Logf(NotePrefix+"...")).
const NotePrefix = "summary: "

// suite runs the tests matching run in pkgs with build tag tag (no cache:
// they read built files go test cannot see) and returns one result per
// test or subtest leaf, named prefix+name. A suite that runs no test at
// all is a failure: a missing tool or build tag must not pass silently.
func suite(ctx context.Context, root string, out io.Writer, tag, prefix, run string, pkgs ...string) []Result {
	args := append([]string{"test", "-tags", tag, "-count=1", "-timeout=0", "-json", "-run", run}, pkgs...)
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = root
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return []Result{{Name: prefix + "suite", Err: err}}
	}
	var stderr strings.Builder
	cmd.Stderr = io.MultiWriter(out, &stderr)
	if err := cmd.Start(); err != nil {
		return []Result{{Name: prefix + "suite", Err: err}}
	}
	tests := map[string]*testRun{}
	var order []string
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var e event
		if json.Unmarshal(sc.Bytes(), &e) != nil {
			fmt.Fprintln(out, sc.Text())
			continue
		}
		io.WriteString(out, e.Output)
		if e.Test == "" {
			continue
		}
		t, ok := tests[e.Test]
		if !ok {
			t = &testRun{}
			tests[e.Test] = t
			order = append(order, e.Test)
		}
		t.output.WriteString(e.Output)
		switch e.Action {
		case "pass", "fail", "skip":
			t.action, t.elapsed = e.Action, time.Duration(e.Elapsed*float64(time.Second))
		}
	}
	werr := cmd.Wait()
	var res []Result
	for _, name := range leaves(order) {
		t := tests[name]
		r := Result{Name: prefix + testName(name), Note: t.note()}
		switch t.action {
		case "pass":
		case "skip":
			r.Skipped = true
		case "fail":
			r.Err = errors.New(t.failure())
		default:
			r.Err = fmt.Errorf("did not finish (%v)", werr)
		}
		res = append(res, r)
	}
	if len(res) == 0 {
		res = append(res, Result{Name: prefix + "suite", Err: fmt.Errorf("go %s ran no test (%v): %s", strings.Join(args, " "), werr, oneLine(stderr.String(), 400))})
	} else if werr != nil && !anyFailed(res) {
		res = append(res, Result{Name: prefix + "suite", Err: fmt.Errorf("go test: %v: %s", werr, oneLine(stderr.String(), 400))})
	}
	return res
}

// testRun is what go test -json said about one test.
type testRun struct {
	action  string
	elapsed time.Duration
	output  strings.Builder
}

// note is the test's summary line (NotePrefix), or its time.
func (t *testRun) note() string {
	for _, l := range strings.Split(t.output.String(), "\n") {
		if i := strings.Index(l, NotePrefix); i >= 0 {
			return strings.TrimSpace(l[i+len(NotePrefix):])
		}
	}
	return t.elapsed.Round(100 * time.Millisecond).String()
}

// failure is the test's own output without go test's framing lines.
func (t *testRun) failure() string {
	var keep []string
	for _, l := range strings.Split(t.output.String(), "\n") {
		s := strings.TrimSpace(l)
		if s == "" || strings.HasPrefix(s, "=== ") || strings.HasPrefix(s, "--- ") {
			continue
		}
		keep = append(keep, s)
	}
	return strings.Join(keep, " ")
}

// leaves drops tests that have subtests: a parent's verdict is its
// children's.
func leaves(names []string) []string {
	var out []string
	for _, n := range names {
		parent := false
		for _, m := range names {
			if strings.HasPrefix(m, n+"/") {
				parent = true
				break
			}
		}
		if !parent {
			out = append(out, n)
		}
	}
	return out
}

// testName is a subtest's own name (TestBoot/uki,sb-pass -> uki,sb-pass).
func testName(n string) string {
	if i := strings.LastIndex(n, "/"); i >= 0 {
		return n[i+1:]
	}
	return n
}

func anyFailed(rs []Result) bool {
	for _, r := range rs {
		if r.Err != nil {
			return true
		}
	}
	return false
}
