package nixcheck

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// System is the one system the flake builds for.
const System = "x86_64-linux"

// Self is the stand-in for the flake's `self` input.
type Self struct {
	LastModified int64  // self.lastModified
	Rev          string // self.rev; empty: an uncommitted tree (no rev attribute)
}

// StubSelf is the `self` Run evaluates with.
var StubSelf = Self{LastModified: 1700000000, Rev: "0123456789abcdef0123456789abcdef01234567"}

// evalExpr imports flake.nix, calls its outputs with the stub nixpkgs and
// prints every record. Attribute sets with an outPath would print as that
// string, so outPath is moved to _outPath; functions print as "<function>".
const evalExpr = `{ root, lastModified, rev }:
let
  flake = import (/. + root + "/flake.nix");
  self = { outPath = root; lastModified = builtins.fromJSON lastModified; }
    // (if rev == "" then { } else { inherit rev; });
  out = flake.outputs { inherit self; nixpkgs = import (/. + root + "/nix/stub"); };
  show = v:
    if builtins.isFunction v then "<function>"
    else if builtins.isList v then map show v
    else if builtins.isAttrs v then
      (if v ? outPath
       then builtins.mapAttrs (_: show) (removeAttrs v [ "outPath" ]) // { _outPath = toString v.outPath; }
       else builtins.mapAttrs (_: show) v)
    else v;
in show {
  inherit (flake) description inputs;
  inherit (out) packages checks devShells;
}`

// Flake is the evaluated flake.
type Flake struct {
	Root        string                       // absolute repository root (self.outPath)
	Self        *Self                        // the self it was evaluated with
	Description string                       `json:"description"`
	Inputs      map[string]Input             `json:"inputs"`
	Packages    map[string]map[string]Record `json:"packages"`
	Checks      map[string]map[string]Record `json:"checks"`
	DevShells   map[string]map[string]Record `json:"devShells"`
}

// Input is a flake input as declared in flake.nix.
type Input struct {
	URL string `json:"url"`
}

// Eval evaluates root/flake.nix against root/nix/stub.
func (t Tool) Eval(ctx context.Context, root string, self Self) (*Flake, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("evaluating the flake: %w", err)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, t.Path, "--eval", "--strict", "--json", "--readonly-mode",
		"--argstr", "root", abs,
		"--argstr", "lastModified", strconv.FormatInt(self.LastModified, 10),
		"--argstr", "rev", self.Rev,
		"-E", evalExpr)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("evaluating flake.nix against nix/stub: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	f := &Flake{Root: abs, Self: &self}
	if err := json.Unmarshal(stdout.Bytes(), f); err != nil {
		return nil, fmt.Errorf("decoding the evaluated flake: %w", err)
	}
	return f, nil
}

// Record is one stub result: the arguments a builder was called with plus
// "stub" (which builder), "name" and "_outPath".
type Record map[string]any

// Kind is the builder that made the record (mkDerivation, buildGoModule,
// fetchurl, mkShell, package, fileset).
func (r Record) Kind() string { return r.Str("stub") }

// Str returns a string attribute, or "".
func (r Record) Str(key string) string {
	s, _ := r[key].(string)
	return s
}

// Strings returns a list-of-strings attribute (nil if absent). Records in
// the list are represented by their name.
func (r Record) Strings(key string) []string {
	l, _ := r[key].([]any)
	var out []string
	for _, v := range l {
		switch v := v.(type) {
		case string:
			out = append(out, v)
		case map[string]any:
			out = append(out, Record(v).Str("name"))
		}
	}
	return out
}

// Env returns the record's env attribute set (string values only).
func (r Record) Env() map[string]string {
	m, _ := r["env"].(map[string]any)
	out := map[string]string{}
	for k, v := range m {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out
}

// Find returns every record of the given kind anywhere inside r (r included).
func (r Record) Find(kind string) []Record {
	var out []Record
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if Record(v).Kind() == kind {
				out = append(out, Record(v))
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(map[string]any(r))
	return out
}
