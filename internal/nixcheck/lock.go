package nixcheck

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Lock is the part of flake.lock (version 7) Manx relies on.
type Lock struct {
	Version int                 `json:"version"`
	Root    string              `json:"root"`
	Nodes   map[string]LockNode `json:"nodes"`
}

// LockNode is one node of flake.lock. Inputs values are a node name or a
// "follows" path (a list); only names are used here.
type LockNode struct {
	Inputs   map[string]any `json:"inputs"`
	Locked   *LockRef       `json:"locked"`
	Original *LockRef       `json:"original"`
}

// LockRef is a locked or original flake reference of type github.
type LockRef struct {
	Type         string `json:"type"`
	Owner        string `json:"owner"`
	Repo         string `json:"repo"`
	Ref          string `json:"ref"`
	Rev          string `json:"rev"`
	NarHash      string `json:"narHash"`
	LastModified int64  `json:"lastModified"`
}

// LoadLock reads and decodes root/flake.lock.
func LoadLock(root string) (*Lock, error) {
	b, err := os.ReadFile(filepath.Join(root, "flake.lock"))
	if err != nil {
		return nil, fmt.Errorf("reading flake.lock: %w", err)
	}
	return ParseLock(b)
}

// ParseLock decodes a flake.lock.
func ParseLock(b []byte) (*Lock, error) {
	var l Lock
	if err := json.Unmarshal(b, &l); err != nil {
		return nil, fmt.Errorf("decoding flake.lock: %w", err)
	}
	return &l, nil
}

var revRE = regexp.MustCompile(`^[0-9a-f]{40}$`)

// CheckLock checks that every input flake.nix declares is locked to a
// github revision with a SHA-256 narHash, and that the lock's original
// reference is the one flake.nix declares (github:owner/repo/ref).
func CheckLock(l *Lock, inputs map[string]Input) error {
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if l.Version != 7 {
		fail("version = %d, want 7", l.Version)
	}
	root, ok := l.Nodes[l.Root]
	if !ok {
		return errors.Join(append(errs, fmt.Errorf("root node %q missing", l.Root))...)
	}
	if len(inputs) == 0 {
		fail("flake.nix declares no inputs")
	}
	for _, name := range sortedKeys(inputs) {
		nodeName, ok := root.Inputs[name].(string)
		if !ok {
			fail("input %s: not in the root node's inputs", name)
			continue
		}
		n, ok := l.Nodes[nodeName]
		if !ok || n.Locked == nil || n.Original == nil {
			fail("input %s: node %q has no locked and original references", name, nodeName)
			continue
		}
		lk, orig := n.Locked, n.Original
		if lk.Type != "github" || orig.Type != "github" {
			fail("input %s: type %q/%q, want github", name, lk.Type, orig.Type)
		}
		if !revRE.MatchString(lk.Rev) {
			fail("input %s: rev %q is not a full commit id", name, lk.Rev)
		}
		if err := checkNarHash(lk.NarHash); err != nil {
			fail("input %s: %w", name, err)
		}
		if lk.LastModified <= 0 {
			fail("input %s: no lastModified", name)
		}
		if lk.Owner != orig.Owner || lk.Repo != orig.Repo {
			fail("input %s: locked %s/%s, original %s/%s", name, lk.Owner, lk.Repo, orig.Owner, orig.Repo)
		}
		want := "github:" + orig.Owner + "/" + orig.Repo
		if orig.Ref != "" {
			want += "/" + orig.Ref
		}
		if inputs[name].URL != want {
			fail("input %s: flake.nix says %q, flake.lock was made for %q", name, inputs[name].URL, want)
		}
	}
	return errors.Join(errs...)
}

// checkNarHash accepts an SRI SHA-256 hash: "sha256-" and 32 bytes of base64.
func checkNarHash(h string) error {
	b64, ok := strings.CutPrefix(h, "sha256-")
	if !ok {
		return fmt.Errorf("narHash %q is not sha256-<base64>", h)
	}
	b, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(b) != 32 {
		return fmt.Errorf("narHash %q is not 32 bytes of base64", h)
	}
	return nil
}
