package fetch

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// AptConfig locates the host's apt sources.
type AptConfig struct {
	SourcesList string // usually /etc/apt/sources.list
	SourcesDir  string // usually /etc/apt/sources.list.d
}

// DefaultAptConfig is the standard Debian location.
var DefaultAptConfig = AptConfig{SourcesList: "/etc/apt/sources.list", SourcesDir: "/etc/apt/sources.list.d"}

// Mirrors returns the base URLs serving archive ("debian" or
// "debian-security"): MANX_DEBIAN_MIRROR (comma-separated, for "debian") if
// set, else every matching URI in the host's apt sources, in file order.
func Mirrors(archive string, cfg AptConfig) ([]string, error) {
	if archive == "debian" {
		if env := os.Getenv("MANX_DEBIAN_MIRROR"); env != "" {
			var out []string
			for _, u := range strings.Split(env, ",") {
				if u = strings.TrimSpace(u); u != "" {
					out = append(out, strings.TrimRight(u, "/"))
				}
			}
			return out, nil
		}
	}
	entries, err := readSources(cfg)
	if err != nil {
		return nil, err
	}
	var out []string
	seen := map[string]bool{}
	for _, e := range entries {
		if !e.debian || e.security != (archive == "debian-security") {
			continue
		}
		u := strings.TrimRight(e.uri, "/")
		if !seen[u] {
			seen[u] = true
			out = append(out, u)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no %s mirror in %s or %s: add one to apt's sources or set MANX_DEBIAN_MIRROR", archive, cfg.SourcesList, cfg.SourcesDir)
	}
	return out, nil
}

type sourceEntry struct {
	uri      string
	debian   bool // a Debian suite (codename, -updates, -backports, -security)
	security bool
}

var debianCodenames = map[string]bool{
	"buster": true, "bullseye": true, "bookworm": true, "trixie": true, "forky": true, "duke": true,
	"sid": true, "unstable": true, "testing": true, "stable": true, "oldstable": true, "experimental": true,
}

func classify(uri string, suites []string) []sourceEntry {
	var out []sourceEntry
	for _, s := range suites {
		base, _, _ := strings.Cut(s, "/")
		code, _, _ := strings.Cut(base, "-")
		if !debianCodenames[code] || !strings.HasPrefix(uri, "http") {
			continue
		}
		out = append(out, sourceEntry{uri: uri, debian: true, security: strings.HasSuffix(base, "-security") || strings.HasSuffix(base, "/updates")})
	}
	return out
}

func readSources(cfg AptConfig) ([]sourceEntry, error) {
	var out []sourceEntry
	if b, err := os.ReadFile(cfg.SourcesList); err == nil {
		out = append(out, parseOneLine(string(b))...)
	}
	names, _ := filepath.Glob(filepath.Join(cfg.SourcesDir, "*"))
	sort.Strings(names)
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			continue
		}
		switch {
		case strings.HasSuffix(n, ".list"):
			out = append(out, parseOneLine(string(b))...)
		case strings.HasSuffix(n, ".sources"):
			out = append(out, parseDeb822(string(b))...)
		}
	}
	return out, nil
}

// parseOneLine reads "deb [opts] uri suite comp..." lines.
func parseOneLine(s string) []sourceEntry {
	var out []sourceEntry
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		f := strings.Fields(line)
		if len(f) < 3 || f[0] != "deb" {
			continue
		}
		f = f[1:]
		if strings.HasPrefix(f[0], "[") {
			for len(f) > 0 && !strings.HasSuffix(f[0], "]") {
				f = f[1:]
			}
			if len(f) > 0 {
				f = f[1:]
			}
		}
		if len(f) < 2 {
			continue
		}
		out = append(out, classify(f[0], f[1:2])...)
	}
	return out
}

// parseDeb822 reads the stanzas of a .sources file.
func parseDeb822(s string) []sourceEntry {
	var out []sourceEntry
	for _, stanza := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		fields := map[string]string{}
		key := ""
		for _, line := range strings.Split(stanza, "\n") {
			if strings.HasPrefix(line, "#") || strings.TrimSpace(line) == "" {
				continue
			}
			if (strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t")) && key != "" {
				fields[key] += " " + strings.TrimSpace(line)
				continue
			}
			k, v, ok := strings.Cut(line, ":")
			if !ok {
				continue
			}
			key = strings.ToLower(strings.TrimSpace(k))
			fields[key] = strings.TrimSpace(v)
		}
		if strings.EqualFold(fields["enabled"], "no") || !strings.Contains(" "+fields["types"]+" ", " deb ") {
			continue
		}
		for _, uri := range strings.Fields(fields["uris"]) {
			out = append(out, classify(uri, strings.Fields(fields["suites"]))...)
		}
	}
	return out
}
