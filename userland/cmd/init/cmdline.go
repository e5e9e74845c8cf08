package main

import "strings"

// cmdline is the parsed kernel command line.
type cmdline struct {
	params   map[string]string // value of each name; the last occurrence wins
	consoles []string          // every console= value, in order
}

// parseCmdline splits a kernel command line as the kernel's next_arg does:
// parameters are separated by whitespace, double quotes group spaces and
// are removed, a parameter without "=" has the value "". Everything after a
// lone "--" belongs to init's argv and is ignored.
func parseCmdline(s string) cmdline {
	c := cmdline{params: map[string]string{}}
	for _, tok := range splitCmdline(s) {
		if tok == "--" {
			break
		}
		k, v, _ := strings.Cut(tok, "=")
		if k == "" {
			continue
		}
		c.params[k] = v
		if k == "console" {
			c.consoles = append(c.consoles, v)
		}
	}
	return c
}

func splitCmdline(s string) []string {
	var (
		toks    []string
		cur     strings.Builder
		inQuote bool
		inTok   bool
	)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			inQuote = !inQuote
			inTok = true
		case !inQuote && (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == 0):
			if inTok {
				toks = append(toks, cur.String())
				cur.Reset()
				inTok = false
			}
		default:
			cur.WriteByte(c)
			inTok = true
		}
	}
	if inTok {
		toks = append(toks, cur.String())
	}
	return toks
}

// terminals returns the devices to run shells on: one per console= value
// (options after "," dropped, duplicates and "null" removed), or /dev/tty1
// when there is none, the kernel's default console being the foreground
// VT. tty0 means "the foreground VT", tty1 at boot; the shell needs the VT
// itself as its controlling terminal, so tty0 becomes /dev/tty1.
func (c cmdline) terminals() []string {
	var out []string
	seen := map[string]bool{}
	for _, v := range c.consoles {
		name, _, _ := strings.Cut(v, ",")
		if name == "" || name == "null" || strings.ContainsAny(name, "/.") {
			continue
		}
		if name == "tty0" {
			name = "tty1"
		}
		dev := "/dev/" + name
		if !seen[dev] {
			seen[dev] = true
			out = append(out, dev)
		}
	}
	if len(out) == 0 {
		out = []string{"/dev/tty1"}
	}
	return out
}
