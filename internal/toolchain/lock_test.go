package toolchain

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func testLock() *Lock {
	return &Lock{
		Generator: lockGenerator, Suite: "bookworm", Component: "main", Architecture: "amd64",
		Include: []string{"gcc", "nasm"},
		Packages: []LockedPackage{
			{Name: "base-files", Version: "12.4+deb12u15", Architecture: "amd64", Priority: "required", Path: "pool/main/b/base-files/base-files_12.4+deb12u15_amd64.deb", Size: 70000, SHA256: strings.Repeat("a", 64)},
			{Name: "gcc", Version: "4:12.2.0-3", Architecture: "amd64", Priority: "optional", Path: "pool/main/g/gcc-defaults/gcc_12.2.0-3_amd64.deb", Size: 5000, SHA256: strings.Repeat("b", 64)},
			{Name: "media-types", Version: "10.0.0", Architecture: "all", Priority: "standard", Path: "pool/main/m/media-types/media-types_10.0.0_all.deb", Size: 2000, SHA256: strings.Repeat("c", 64)},
			{Name: "nasm", Version: "2.16.01-1", Architecture: "amd64", Priority: "optional", Path: "pool/main/n/nasm/nasm_2.16.01-1_amd64.deb", Size: 400000, SHA256: strings.Repeat("d", 64)},
		},
	}
}

func cloneLock(l *Lock) *Lock {
	c := *l
	c.Include = slices.Clone(l.Include)
	c.Packages = slices.Clone(l.Packages)
	return &c
}

func TestParseLock(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(l *Lock)
		raw    string // instead of the edited lock's encoding
		errors []string
	}{
		{name: "valid", edit: func(*Lock) {}},
		{name: "bad sha256", edit: func(l *Lock) { l.Packages[1].SHA256 = strings.Repeat("B", 64) },
			errors: []string{`package 1 ("gcc"): sha256 "BBBB`, "is not 64 lowercase hex digits"}},
		{name: "short sha256", edit: func(l *Lock) { l.Packages[3].SHA256 = "abc" },
			errors: []string{`package 3 ("nasm"): sha256 "abc" is not 64 lowercase hex digits`}},
		{name: "duplicate package", edit: func(l *Lock) { l.Packages[2] = l.Packages[1] },
			errors: []string{`package 2 ("gcc"): duplicate package (the lock has one entry per package)`}},
		{name: "unsorted", edit: func(l *Lock) { l.Packages[0], l.Packages[2] = l.Packages[2], l.Packages[0] },
			errors: []string{`package 1 ("gcc"): out of order after "media-types" (packages must be sorted by name)`}},
		{name: "every problem at once", edit: func(l *Lock) {
			l.Packages[0].Size = 0
			l.Packages[1].Path = "pool/../../etc/passwd.deb"
			l.Packages[2].Architecture = "arm64"
			l.Packages[3].Priority = "urgent"
			l.Packages[3].Version = "two"
		}, errors: []string{
			`package 0 ("base-files"): size 0, want > 0`,
			`package 1 ("gcc"): pool path "pool/../../etc/passwd.deb" is not a clean pool/….deb path`,
			`package 2 ("media-types"): architecture "arm64", want "amd64" or "all"`,
			`package 3 ("nasm"): invalid priority "urgent"`,
			`package 3 ("nasm"): invalid version "two"`,
		}},
		{name: "include without entry", edit: func(l *Lock) { l.Include = append(l.Include, "python3") },
			errors: []string{`include: "python3" has no package entry`}},
		{name: "include unsorted", edit: func(l *Lock) { l.Include = []string{"nasm", "gcc"} },
			errors: []string{`include: "gcc" is out of order or repeated after "nasm"`}},
		{name: "no packages", edit: func(l *Lock) { l.Packages, l.Include = nil, nil },
			errors: []string{"no packages", "include lists no packages"}},
		{name: "unknown field", raw: `{"suite":"bookworm","sha1":"x"}`, errors: []string{`unknown field "sha1"`}},
		{name: "not json", raw: `[`, errors: []string{"decoding the toolchain lock"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := []byte(tt.raw)
			if tt.raw == "" {
				l := cloneLock(testLock())
				tt.edit(l)
				b = l.Encode()
			}
			_, err := ParseLock("x/debian.lock.json", b)
			if len(tt.errors) == 0 {
				if err != nil {
					t.Fatalf("ParseLock() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("ParseLock() = nil, want errors %q", tt.errors)
			}
			if !strings.HasPrefix(err.Error(), "x/debian.lock.json: ") {
				t.Errorf("error does not name the file: %v", err)
			}
			for _, want := range tt.errors {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error lacks %q:\n%v", want, err)
				}
			}
		})
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	l := testLock()
	got, err := ParseLock("lock", l.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Encode(), l.Encode()) {
		t.Errorf("Encode(Parse(Encode(l))) differs:\n%s", got.Encode())
	}
	if n := bytes.Count(l.Encode(), []byte(`{"name":`)); n != len(l.Packages) {
		t.Errorf("%d package lines, want one per package (%d)", n, len(l.Packages))
	}
}

// TestImageIDFollowsTheLock: any change to any entry changes the image tag;
// reformatting the file does not.
func TestImageIDFollowsTheLock(t *testing.T) {
	base := testLock()
	id := imageID(base)
	edits := map[string]func(l *Lock){
		"name":         func(l *Lock) { l.Packages[1].Name = "gcc-12" },
		"version":      func(l *Lock) { l.Packages[1].Version = "4:12.2.0-4" },
		"architecture": func(l *Lock) { l.Packages[2].Architecture = "amd64" },
		"priority":     func(l *Lock) { l.Packages[0].Priority = "important" },
		"path":         func(l *Lock) { l.Packages[3].Path = "pool/main/n/nasm/nasm_2.16.01-2_amd64.deb" },
		"size":         func(l *Lock) { l.Packages[3].Size++ },
		"sha256":       func(l *Lock) { l.Packages[0].SHA256 = strings.Repeat("e", 64) },
		"added":        func(l *Lock) { l.Packages = append(l.Packages, LockedPackage{Name: "zstd"}) },
		"removed":      func(l *Lock) { l.Packages = l.Packages[1:] },
		"include":      func(l *Lock) { l.Include = []string{"nasm"} },
		"suite":        func(l *Lock) { l.Suite = "trixie" },
		"component":    func(l *Lock) { l.Component = "contrib" },
	}
	for name, edit := range edits {
		l := cloneLock(base)
		edit(l)
		if imageID(l) == id {
			t.Errorf("changing the lock's %s keeps the image tag %s", name, id)
		}
	}
	if imageID(cloneLock(base)) != id {
		t.Error("imageID is not a function of the lock")
	}
	indented, err := json.MarshalIndent(base, "", "\t")
	if err != nil {
		t.Fatal(err)
	}
	re, err := ParseLock("indented", indented)
	if err != nil {
		t.Fatal(err)
	}
	if imageID(re) != id {
		t.Error("reformatting the lock changes the image tag")
	}
}

// TestCommittedLock: the lock in the repository is valid, canonical, made for
// toolchain.Packages, and the backend's ID derives from it.
func TestCommittedLock(t *testing.T) {
	l, err := CommittedLock()
	if err != nil {
		t.Fatal(err)
	}
	file, err := os.ReadFile(filepath.Join("..", "..", LockFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(file, lockJSON) || !bytes.Equal(l.Encode(), lockJSON) {
		t.Errorf("%s is not in canonical form: regenerate it with `go run mage.go toolchainLock`", LockFile)
	}
	if err := l.checkFor(Suite, Packages); err != nil {
		t.Error(err)
	}
	for _, n := range append([]string{"apt", "dpkg", "gcc-12", "usr-is-merged"}, Packages...) {
		if _, ok := l.Package(n); !ok {
			t.Errorf("%s lacks %s", LockFile, n)
		}
	}
	d, err := newDebian(Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want := "debian-" + Suite + "-" + imageID(l); d.ID() != want {
		t.Errorf("ID() = %s, want %s", d.ID(), want)
	}
}

func TestCheckFor(t *testing.T) {
	l := testLock()
	if err := l.checkFor("bookworm", []string{"nasm", "gcc"}); err != nil {
		t.Errorf("checkFor(same packages, other order) = %v", err)
	}
	for _, err := range []error{l.checkFor("bookworm", []string{"gcc"}), l.checkFor("trixie", []string{"gcc", "nasm"})} {
		if err == nil || !strings.Contains(err.Error(), "go run mage.go toolchainLock") {
			t.Errorf("checkFor(mismatch) = %v, want an error saying how to refresh the lock", err)
		}
	}
}
