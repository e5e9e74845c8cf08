// Package kernel builds Manx's Linux kernel from its pinned Debian orig
// tarball: checked-in config fragments merged onto tinyconfig, every requested
// symbol checked after olddefconfig (kconfig drops unmet ones silently), and a
// reproducible bzImage (fixed KBUILD_BUILD_* and a fixed path in the build
// container).
package kernel

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
)

// Config maps CONFIG_ symbols to values ("y", "m", "\"str\"", "123"); a
// symbol requested or recorded as "is not set" maps to "n".
type Config map[string]string

var (
	setLine   = regexp.MustCompile(`^(CONFIG_[A-Za-z0-9_]+)=(.*)$`)
	unsetLine = regexp.MustCompile(`^# (CONFIG_[A-Za-z0-9_]+) is not set$`)
)

// ParseConfig reads a .config or a fragment. name is used in errors.
func ParseConfig(r io.Reader, name string) (Config, error) {
	c := Config{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "":
		case unsetLine.MatchString(line):
			c[unsetLine.FindStringSubmatch(line)[1]] = "n"
		case strings.HasPrefix(line, "#"):
		case setLine.MatchString(line):
			m := setLine.FindStringSubmatch(line)
			if m[2] == "" {
				return nil, fmt.Errorf("%s:%d: %s has an empty value", name, n, m[1])
			}
			c[m[1]] = m[2]
		default:
			return nil, fmt.Errorf("%s:%d: not a kconfig line: %q", name, n, line)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return c, nil
}

// Merge overlays fragments in order (later wins), as merge_config.sh does.
func Merge(frags ...Config) Config {
	out := Config{}
	for _, f := range frags {
		for k, v := range f {
			out[k] = v
		}
	}
	return out
}

// Check reports every requested symbol the final .config does not carry as
// requested. "n" is satisfied by an absent symbol.
func Check(requested, final Config) error {
	var errs []error
	keys := make([]string, 0, len(requested))
	for k := range requested {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		want := requested[k]
		got, ok := final[k]
		if !ok {
			got = "n"
		}
		if got != want {
			errs = append(errs, fmt.Errorf("%s: requested %s, .config has %s", k, want, got))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("kernel config: %d requested symbol(s) did not survive olddefconfig (unmet dependencies?):\n%w", len(errs), errors.Join(errs...))
	}
	return nil
}
