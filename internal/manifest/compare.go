package manifest

import (
	"fmt"
	"slices"
	"strings"
)

// Status is the outcome for one artefact.
type Status int

const (
	// Match: same sha256 in both manifests.
	Match Status = iota + 1
	// Mismatch: both manifests list the artefact with different sha256s.
	Mismatch
	// Missing: published but not built.
	Missing
	// Extra: built but not published.
	Extra
	// OtherKeys: different sha256s, and the artefact embeds or is signed
	// with a certificate that differs between the two builds (each machine
	// generates its own keys). Expected, so not a failure; the key-free
	// artefacts are the reproducibility claim.
	OtherKeys
)

func (s Status) String() string {
	switch s {
	case Match:
		return "match"
	case Mismatch:
		return "MISMATCH"
	case Missing:
		return "MISSING"
	case Extra:
		return "EXTRA"
	case OtherKeys:
		return "keys"
	}
	return fmt.Sprintf("Status(%d)", int(s))
}

// Diff is Compare's verdict on one artefact.
type Diff struct {
	Name   string
	Path   string // relative to build/ (the built entry's, else the published one's)
	Status Status
	Want   string // published sha256; empty when Extra
	Got    string // built sha256; empty when Missing
	// Inputs lists the recorded inputs that differ between the two builds
	// of this artefact (keys first, then pins, then the shared inputs); only
	// for Mismatch.
	Inputs []string
	// Hint says where to look first; empty for Match.
	Hint string
}

// Compare matches every artefact of built against published, by name, and
// returns one Diff per artefact in either manifest, sorted by name.
func Compare(published, built *Manifest) []Diff {
	pub := index(published)
	got := index(built)
	names := make([]string, 0, len(pub)+len(got))
	for n := range pub {
		names = append(names, n)
	}
	for n := range got {
		if _, ok := pub[n]; !ok {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	shared := sharedInputs(published, built)
	diffs := make([]Diff, 0, len(names))
	for _, n := range names {
		p, inPub := pub[n]
		b, inBuilt := got[n]
		switch {
		case !inBuilt:
			diffs = append(diffs, Diff{Name: n, Path: p.Path, Status: Missing, Want: p.SHA256,
				Hint: "not built: run `go run mage.go buildAll`, or this checkout no longer builds it"})
		case !inPub:
			diffs = append(diffs, Diff{Name: n, Path: b.Path, Status: Extra, Got: b.SHA256,
				Hint: "not in the published manifest: it predates this artefact, or the name changed"})
		case p.SHA256 == b.SHA256:
			diffs = append(diffs, Diff{Name: n, Path: b.Path, Status: Match, Want: p.SHA256, Got: b.SHA256})
		default:
			keys := inputDiffs("key", p.Keys, b.Keys)
			in := append(keys, inputDiffs("pin", p.Pins, b.Pins)...)
			if p.Path != b.Path {
				in = append(in, fmt.Sprintf("path: published %s, built %s", p.Path, b.Path))
			}
			if p.Epoch != b.Epoch {
				in = append(in, fmt.Sprintf("SOURCE_DATE_EPOCH: published %d, built %d", p.Epoch, b.Epoch))
			}
			if p.Version != b.Version {
				in = append(in, fmt.Sprintf("version: published %s, built %s", orNone(p.Version), orNone(b.Version)))
			}
			in = append(in, shared...)
			status, hint := Mismatch, Hint(b.Path)
			if len(keys) > 0 {
				status = OtherKeys
				hint = "built with other keys than the published build, so a different hash is expected " +
					"(docs/reproducibility.md); with the publisher's keys/ it must match. Otherwise: " + hint
			}
			diffs = append(diffs, Diff{Name: n, Path: b.Path, Status: status, Want: p.SHA256, Got: b.SHA256,
				Inputs: in, Hint: hint})
		}
	}
	return diffs
}

// Failed counts the diffs that are neither Match nor OtherKeys.
func Failed(diffs []Diff) int {
	n := 0
	for _, d := range diffs {
		if d.Status != Match && d.Status != OtherKeys {
			n++
		}
	}
	return n
}

func index(m *Manifest) map[string]Entry {
	out := map[string]Entry{}
	if m == nil {
		return out
	}
	for _, e := range m.Artefacts {
		out[e.Name] = e
	}
	return out
}

// sharedInputs describes the differences in the inputs every artefact
// shares.
func sharedInputs(p, b *Manifest) []string {
	if p == nil || b == nil {
		return nil
	}
	var out []string
	add := func(what, x, y string) {
		if x != y {
			out = append(out, fmt.Sprintf("%s: published %s, built %s", what, orNone(x), orNone(y)))
		}
	}
	add("arch", p.Arch, b.Arch)
	add("toolchain", p.Toolchain, b.Toolchain)
	add("go", p.Go, b.Go)
	return out
}

// inputDiffs describes the named inputs whose sha256 differs or that only
// one side has.
func inputDiffs(kind string, p, b []Input) []string {
	ps := map[string]string{}
	for _, x := range p {
		ps[x.Name] = x.SHA256
	}
	bs := map[string]string{}
	for _, x := range b {
		bs[x.Name] = x.SHA256
	}
	var names []string
	for n := range ps {
		names = append(names, n)
	}
	for n := range bs {
		if _, ok := ps[n]; !ok {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	var out []string
	for _, n := range names {
		if ps[n] != bs[n] {
			out = append(out, fmt.Sprintf("%s %s: published %s, built %s", kind, n, orNone(short(ps[n])), orNone(short(bs[n]))))
		}
	}
	return out
}

func orNone(s string) string {
	if strings.TrimSpace(s) == "" {
		return "(none)"
	}
	return s
}

// short abbreviates a sha256 for input lines (the artefact line has the
// full hashes).
func short(h string) string {
	if len(h) > 16 {
		return h[:16]
	}
	return h
}
