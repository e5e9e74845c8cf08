package manifest

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// with returns canonical() changed by f.
func with(f func(m *Manifest)) *Manifest {
	m := canonical()
	f(m)
	return m
}

func entry(m *Manifest, name string) *Entry {
	for i := range m.Artefacts {
		if m.Artefacts[i].Name == name {
			return &m.Artefacts[i]
		}
	}
	panic("no artefact " + name)
}

func matches(m *Manifest, except ...string) []Diff {
	var out []Diff
	for _, e := range m.Artefacts {
		skip := false
		for _, x := range except {
			skip = skip || x == e.Name
		}
		if !skip {
			out = append(out, Diff{Name: e.Name, Path: e.Path, Status: Match, Want: e.SHA256, Got: e.SHA256})
		}
	}
	return out
}

func TestCompare(t *testing.T) {
	pub := canonical()
	k := entry(pub, "kernel")
	ovmf := entry(pub, "ovmf-pflash-code")
	tests := []struct {
		name  string
		built *Manifest
		want  []Diff // the non-matching diffs; every other artefact must match
	}{
		{name: "good", built: canonical()},
		{
			name:  "good despite different shared inputs",
			built: with(func(m *Manifest) { m.Toolchain = "host" }),
		},
		{
			name: "mismatch",
			built: with(func(m *Manifest) {
				entry(m, "kernel").SHA256 = sum("other kernel")
				entry(m, "kernel").Epoch++
				entry(m, "kernel").Version = "g0000000000b2"
				m.Epoch++ // the repository's epoch alone is no hint: every artefact has its own
			}),
			want: []Diff{{
				Name: "kernel", Path: "kernel/bzImage", Status: Mismatch, Want: k.SHA256, Got: sum("other kernel"),
				Inputs: []string{"SOURCE_DATE_EPOCH: published 1767100000, built 1767100001", "version: published g0000000000a2, built g0000000000b2"},
				Hint:   Hint("kernel/bzImage"),
			}},
		},
		{
			name: "mismatch with another pin",
			built: with(func(m *Manifest) {
				e := entry(m, "ovmf-pflash-code")
				e.SHA256 = sum("other code")
				e.Pins = []Input{{Name: "edk2", SHA256: sum("edk2 2026.02")}}
			}),
			want: []Diff{{
				Name: "ovmf-pflash-code", Path: ovmf.Path, Status: Mismatch, Want: ovmf.SHA256, Got: sum("other code"),
				Inputs: []string{"pin edk2: published 926f148812c119a8, built " + sum("edk2 2026.02")[:16]},
				Hint:   Hint(ovmf.Path),
			}},
		},
		{
			name:  "missing",
			built: with(func(m *Manifest) { m.Artefacts = m.Artefacts[1:] }),
			want: []Diff{{Name: "initramfs", Path: "userland/initramfs.cpio.gz", Status: Missing,
				Want: entry(pub, "initramfs").SHA256, Hint: "not built: run `go run mage.go buildAll`, or this checkout no longer builds it"}},
		},
		{
			name: "extra",
			built: with(func(m *Manifest) {
				m.Artefacts = append(m.Artefacts, Entry{Name: "zz-new", Path: "new/file", SHA256: sum("new")})
			}),
			want: []Diff{{Name: "zz-new", Path: "new/file", Status: Extra, Got: sum("new"),
				Hint: "not in the published manifest: it predates this artefact, or the name changed"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Compare(pub, tt.built)
			var except []string
			for _, d := range tt.want {
				except = append(except, d.Name)
			}
			var gotBad []Diff
			for _, d := range got {
				if d.Status != Match {
					gotBad = append(gotBad, d)
				}
			}
			if diff := cmp.Diff(tt.want, gotBad); diff != "" {
				t.Errorf("Compare(published, %s) non-matches (-want +got):\n%s", tt.name, diff)
			}
			if n := Failed(got); n != len(tt.want) {
				t.Errorf("Failed(Compare(published, %s)) = %d, want %d", tt.name, n, len(tt.want))
			}
			wantMatch := matches(pub, except...)
			var gotMatch []Diff
			for _, d := range got {
				if d.Status == Match {
					gotMatch = append(gotMatch, d)
				}
			}
			if diff := cmp.Diff(wantMatch, gotMatch); diff != "" {
				t.Errorf("Compare(published, %s) matches (-want +got):\n%s", tt.name, diff)
			}
		})
	}
}

func TestCompareOtherKeys(t *testing.T) {
	pub := canonical()
	built := with(func(m *Manifest) {
		e := entry(m, "varstore-custom-fd")
		e.SHA256 = sum("custom elsewhere")
		e.Keys = []Input{{Name: KeyDB, SHA256: sum("db")}, {Name: KeyKEK, SHA256: sum("kek")}, {Name: KeyPK, SHA256: sum("my pk")}}
	})
	var d *Diff
	for _, x := range Compare(pub, built) {
		if x.Name == "varstore-custom-fd" {
			d = &x
		}
	}
	if d == nil || d.Status != OtherKeys {
		t.Fatalf("Compare(other pk) varstore-custom-fd = %+v, want OtherKeys", d)
	}
	if n := Failed(Compare(pub, built)); n != 0 {
		t.Errorf("Failed(other keys only) = %d, want 0: other keys are expected, not a failure", n)
	}
	wantIn := []string{"key pk: published " + sum("pk")[:16] + ", built " + sum("my pk")[:16]}
	if diff := cmp.Diff(wantIn, d.Inputs); diff != "" {
		t.Errorf("Compare(other pk) Inputs (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(d.Hint, "built with other keys") || !strings.Contains(d.Hint, "inspect:vars") {
		t.Errorf("Compare(other pk) Hint = %q, want the other-keys note, then the varstore hint", d.Hint)
	}
}

func TestCompareSorted(t *testing.T) {
	built := with(func(m *Manifest) {
		m.Artefacts = append(m.Artefacts, Entry{Name: "a-first", Path: "a", SHA256: sum("a")})
	})
	got := Compare(canonical(), built)
	for i := 1; i < len(got); i++ {
		if got[i-1].Name >= got[i].Name {
			t.Errorf("Compare() order: %q before %q, want sorted by name", got[i-1].Name, got[i].Name)
		}
	}
	if got[0].Name != "a-first" || got[0].Status != Extra {
		t.Errorf("Compare()[0] = %+v, want Extra a-first", got[0])
	}
}
