package buildenv

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// epochExcludes are paths whose changes do not change any artefact: the
// published hash manifest (which would otherwise change the epoch it records)
// and prose.
var epochExcludes = []string{":(exclude)hashes", ":(exclude)docs", ":(exclude)*.md", ":(exclude).github"}

// SourceDateEpoch returns SOURCE_DATE_EPOCH if set, else the commit time of
// the newest commit that touched a build input (everything but hashes/, docs
// and Markdown), else 0 outside a git checkout.
func SourceDateEpoch(root string) (time.Time, error) {
	if s := os.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		return ParseEpoch(s)
	}
	args := append([]string{"-C", root, "log", "-1", "--format=%ct", "--", "."}, epochExcludes...)
	out, err := exec.Command("git", args...).Output()
	if err != nil || len(strings.TrimSpace(string(out))) == 0 {
		return time.Unix(0, 0).UTC(), nil
	}
	return ParseEpoch(strings.TrimSpace(string(out)))
}

// ParseEpoch parses a decimal Unix time as SOURCE_DATE_EPOCH is written.
func ParseEpoch(s string) (time.Time, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return time.Time{}, fmt.Errorf("SOURCE_DATE_EPOCH=%q: want a non-negative decimal Unix time", s)
	}
	return time.Unix(n, 0).UTC(), nil
}

// Version names the newest commit that touched a build input, as
// "g<hash>", so it is stable across clones and does not change when only the
// hash manifest or prose changes. MANX_VERSION overrides it (a rebuild from a
// copy without .git); outside a checkout it is "dev".
func Version(root string) string {
	if v := os.Getenv(EnvVersion); v != "" {
		return v
	}
	args := append([]string{"-C", root, "log", "-1", "--format=%h", "--abbrev=12", "--", "."}, epochExcludes...)
	out, err := exec.Command("git", args...).Output()
	if err != nil || len(strings.TrimSpace(string(out))) == 0 {
		return "dev"
	}
	return "g" + strings.TrimSpace(string(out))
}
