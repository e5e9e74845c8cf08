package manifest

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFormat(t *testing.T) {
	a, b, c := sum("a"), sum("b"), sum("c")
	diffs := []Diff{
		{Name: "initramfs", Status: Match, Want: a, Got: a},
		{Name: "kernel", Path: "kernel/bzImage", Status: Mismatch, Want: a, Got: b,
			Inputs: []string{"pin linux: published 1, built 2", "version: published g1, built g2"}, Hint: "check build/kernel/config"},
		{Name: "uki", Status: Missing, Want: c, Hint: "not built"},
		{Name: "zz", Status: Extra, Got: c, Hint: "not published"},
	}
	want := `match     initramfs
MISMATCH  kernel  want ` + a + ` got ` + b + `
          inputs differ: pin linux: published 1, built 2; version: published g1, built g2
          look first: check build/kernel/config
MISSING   uki  want ` + c + ` got (not built)
          look first: not built
EXTRA     zz  want (not published) got ` + c + `
          look first: not published
1 of 4 artefacts match; 1 mismatch, 1 missing, 1 extra, 0 built with other keys
`
	var sb strings.Builder
	if err := Format(&sb, diffs); err != nil {
		t.Fatalf("Format() error = %v", err)
	}
	if diff := cmp.Diff(want, sb.String()); diff != "" {
		t.Errorf("Format() (-want +got):\n%s", diff)
	}
}

func TestFormatCompareGood(t *testing.T) {
	var sb strings.Builder
	if err := Format(&sb, Compare(canonical(), canonical())); err != nil {
		t.Fatal(err)
	}
	want := "match     initramfs\nmatch     kernel\nmatch     ovmf-pflash-code\nmatch     uki\nmatch     varstore-custom-fd\n" +
		"5 of 5 artefacts match; 0 mismatch, 0 missing, 0 extra, 0 built with other keys\n"
	if diff := cmp.Diff(want, sb.String()); diff != "" {
		t.Errorf("Format(Compare(m, m)) (-want +got):\n%s", diff)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestFormatWriteError(t *testing.T) {
	err := Format(failWriter{}, Compare(canonical(), canonical()))
	if err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("Format(failing writer) = %v, want the write error", err)
	}
}
