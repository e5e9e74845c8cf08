package buildenv

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Stamp is an artefact group's SOURCE_DATE_EPOCH and version: the time and
// name ("g" + 12 hex digits) of the newest commit that touched its inputs.
type Stamp struct {
	Epoch   time.Time
	Version string
}

// FormatStamps writes stamps as MANX_STAMPS reads them:
// "group=epoch/version,..." sorted by group.
func FormatStamps(stamps map[string]Stamp) string {
	var groups []string
	for g := range stamps {
		groups = append(groups, g)
	}
	sort.Strings(groups)
	var parts []string
	for _, g := range groups {
		parts = append(parts, fmt.Sprintf("%s=%d/%s", g, stamps[g].Epoch.Unix(), stamps[g].Version))
	}
	return strings.Join(parts, ",")
}

// ParseStamps reads MANX_STAMPS ("" is none).
func ParseStamps(s string) (map[string]Stamp, error) {
	out := map[string]Stamp{}
	if s == "" {
		return out, nil
	}
	for _, part := range strings.Split(s, ",") {
		g, rest, ok1 := strings.Cut(part, "=")
		epoch, version, ok2 := strings.Cut(rest, "/")
		n, err := strconv.ParseInt(epoch, 10, 64)
		if !ok1 || !ok2 || g == "" || version == "" || err != nil || n < 0 {
			return nil, fmt.Errorf("%s: %q: want group=epoch/version", EnvStamps, part)
		}
		if _, dup := out[g]; dup {
			return nil, fmt.Errorf("%s: group %q twice", EnvStamps, g)
		}
		out[g] = Stamp{Epoch: time.Unix(n, 0).UTC(), Version: version}
	}
	return out, nil
}
