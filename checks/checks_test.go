package checks

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"manx/internal/pins"
	"manx/internal/toolchain"
)

func TestOneLine(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"sbverify --cert db.crt x.efi: exit status 1\nCan't open image x.efi\n", 600,
			"sbverify --cert db.crt x.efi: exit status 1 Can't open image x.efi"},
		{"a  b\tc", 600, "a b c"},
		{"abcdef", 3, "abc..."},
		{"aé", 2, "a..."}, // never half a rune
	}
	for _, tt := range tests {
		if got := oneLine(tt.in, tt.max); got != tt.want {
			t.Errorf("oneLine(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
	}
}

// TestVersionsFresh: the committed VERSIONS.md is what `mage versions`
// renders from pins.json, go.mod and the toolchain package list (mage test
// checks the same; this catches it in go test).
func TestVersionsFresh(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if err := pins.CheckVersionsMD(root, toolchain.Packages); err != nil {
		t.Errorf("VERSIONS.md is stale (run `go run mage.go versions`): %v", err)
	}
}

func TestSummarize(t *testing.T) {
	var b strings.Builder
	err := summarize(&b, []Result{
		{Name: "a", Note: "fine"},
		{Name: "b", Err: errors.New("broke\nbadly"), Note: "why"},
		{Name: "c", Skipped: true, Note: "no SNP"},
	})
	if err == nil {
		t.Error("summarize(one failure) = nil error")
	}
	for _, want := range []string{"PASS  a", "FAIL  b", "broke badly; why", "SKIP  c", "checks: 1 passed, 1 failed, 1 skipped"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, b.String())
		}
	}
}

func TestLeaves(t *testing.T) {
	got := leaves([]string{"TestBoot", "TestBoot/kernel", "TestBoot/uki,sb-pass", "TestBuiltObjdump"})
	want := []string{"TestBoot/kernel", "TestBoot/uki,sb-pass", "TestBuiltObjdump"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("leaves() = %q, want %q", got, want)
	}
}
