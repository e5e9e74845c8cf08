package toolchain

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

// makeDeb builds a .deb holding control (compressed as member says) and an
// empty data.tar.
func makeDeb(t *testing.T, member, control string) []byte {
	t.Helper()
	var tb bytes.Buffer
	tw := tar.NewWriter(&tb)
	tw.WriteHeader(&tar.Header{Name: "./", Typeflag: tar.TypeDir, Mode: 0o755})
	tw.WriteHeader(&tar.Header{Name: "./md5sums", Typeflag: tar.TypeReg, Mode: 0o644})
	tw.WriteHeader(&tar.Header{Name: "./control", Typeflag: tar.TypeReg, Mode: 0o644, Size: int64(len(control))})
	tw.Write([]byte(control))
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	var cb bytes.Buffer
	switch member {
	case "control.tar.xz":
		w, _ := xz.NewWriter(&cb)
		w.Write(tb.Bytes())
		w.Close()
	case "control.tar.gz":
		w := gzip.NewWriter(&cb)
		w.Write(tb.Bytes())
		w.Close()
	case "control.tar.zst":
		w, _ := zstd.NewWriter(&cb)
		w.Write(tb.Bytes())
		w.Close()
	default:
		cb = tb
	}
	var b bytes.Buffer
	b.WriteString("!<arch>\n")
	for _, m := range []struct {
		name string
		data []byte
	}{{"debian-binary", []byte("2.0\n")}, {member, cb.Bytes()}, {"data.tar", make([]byte, 1024)}} {
		fmt.Fprintf(&b, "%-16s%-12d%-6d%-6d%-8o%-10d`\n", m.name, 0, 0, 0, 0o100644, len(m.data))
		b.Write(m.data)
		if len(m.data)%2 == 1 {
			b.WriteByte('\n')
		}
	}
	return b.Bytes()
}

const nasmControl = `Package: nasm
Version: 2.16.01-1
Architecture: amd64
Maintainer: Debian QA Group <packages@qa.debian.org>
Installed-Size: 3476
Depends: libc6 (>= 2.34)
Section: devel
Priority: optional
Homepage: https://www.nasm.us/
Description: General-purpose x86 assembler
 Netwide Assembler.  NASM will currently output flat-form binary files,
 a.out, COFF and ELF Unix object files.
 .
 And more.
`

func TestReadControl(t *testing.T) {
	for _, member := range []string{"control.tar.xz", "control.tar.gz", "control.tar.zst", "control.tar"} {
		t.Run(member, func(t *testing.T) {
			f := filepath.Join(t.TempDir(), "nasm.deb")
			os.WriteFile(f, makeDeb(t, member, nasmControl), 0o644)
			s, err := readControl(f)
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			s.write(&b)
			if diff := cmp.Diff(nasmControl, b.String()); diff != "" {
				t.Errorf("control (-want +got):\n%s", diff)
			}
		})
	}
	f := filepath.Join(t.TempDir(), "bad.deb")
	os.WriteFile(f, []byte("!<arch>\nnot a deb"), 0o644)
	if _, err := readControl(f); err == nil || !strings.Contains(err.Error(), f) {
		t.Errorf("readControl(garbage) = %v, want an error naming the file", err)
	}
}

func TestPackagesStanza(t *testing.T) {
	p := LockedPackage{Name: "nasm", Version: "2.16.01-1", Architecture: "amd64", Priority: "important",
		Path: "pool/main/n/nasm/nasm_2.16.01-1_amd64.deb", Size: 401234, SHA256: strings.Repeat("d", 64)}
	var control stanza
	if err := readStanzas(strings.NewReader(nasmControl), func(s stanza) error { control = s; return nil }); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		p       LockedPackage
		control stanza
		want    string
		wantErr string
	}{
		{
			name: "control plus the lock's index fields", p: p, control: control,
			want: `Package: nasm
Version: 2.16.01-1
Priority: important
Architecture: amd64
Maintainer: Debian QA Group <packages@qa.debian.org>
Installed-Size: 3476
Depends: libc6 (>= 2.34)
Section: devel
Homepage: https://www.nasm.us/
Description: General-purpose x86 assembler
 Netwide Assembler.  NASM will currently output flat-form binary files,
 a.out, COFF and ELF Unix object files.
 .
 And more.
Filename: pool/main/n/nasm/nasm_2.16.01-1_amd64.deb
Size: 401234
SHA256: dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd
`,
		},
		{
			name: "index fields in the control file are replaced", p: p,
			control: stanza{{"Package", "nasm"}, {"Version", "2.16.01-1"}, {"Architecture", "amd64"}, {"Size", "1"}, {"MD5sum", "x"}},
			want:    "Package: nasm\nVersion: 2.16.01-1\nPriority: important\nArchitecture: amd64\nFilename: " + p.Path + "\nSize: 401234\nSHA256: " + p.SHA256 + "\n",
		},
		{
			name: "other version", p: LockedPackage{Name: "nasm", Version: "2.16.01-2", Architecture: "amd64", Path: p.Path}, control: control,
			wantErr: `locked package nasm 2.16.01-2 amd64 (pool/main/n/nasm/nasm_2.16.01-1_amd64.deb): its control file says Version "2.16.01-1", the lock "2.16.01-2"`,
		},
		{
			name: "other architecture", p: LockedPackage{Name: "nasm", Version: "2.16.01-1", Architecture: "all", Path: p.Path}, control: control,
			wantErr: `its control file says Architecture "amd64", the lock "all"`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := packagesStanza(tt.p, tt.control)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("packagesStanza() = %v, want error containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, string(got)); diff != "" {
				t.Errorf("stanza (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLocalRepo(t *testing.T) {
	dir := t.TempDir()
	l := &Lock{Suite: "bookworm", Component: "main", Architecture: "amd64", Include: []string{"nasm"}}
	debs := map[string]string{}
	for _, c := range []struct{ name, version, arch, member string }{
		{"media-types", "10.0.0", "all", "control.tar.xz"}, {"nasm", "2.16.01-1", "amd64", "control.tar.zst"},
	} {
		b := makeDeb(t, c.member, fmt.Sprintf("Package: %s\nVersion: %s\nArchitecture: %s\nDescription: x\n", c.name, c.version, c.arch))
		f := filepath.Join(dir, "cache", c.name+".deb")
		os.MkdirAll(filepath.Dir(f), 0o755)
		os.WriteFile(f, b, 0o644)
		sum := sha256.Sum256(b)
		debs[c.name] = f
		l.Packages = append(l.Packages, LockedPackage{Name: c.name, Version: c.version, Architecture: c.arch, Priority: "optional",
			Path: fmt.Sprintf("pool/main/%c/%s/%s_%s_%s.deb", c.name[0], c.name, c.name, c.version, c.arch), Size: int64(len(b)), SHA256: hex.EncodeToString(sum[:])})
	}
	if err := l.Validate(); err != nil {
		t.Fatal(err)
	}
	repo := filepath.Join(dir, "repo")
	if err := localRepo(repo, l, debs); err != nil {
		t.Fatal(err)
	}
	pk, err := os.ReadFile(filepath.Join(repo, "dists/bookworm/main/binary-amd64/Packages"))
	if err != nil {
		t.Fatal(err)
	}
	var got []LockedPackage
	if err := readStanzas(bytes.NewReader(pk), func(s stanza) error {
		e, err := indexEntryOf(s)
		got = append(got, e.LockedPackage)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(l.Packages, got); diff != "" {
		t.Errorf("the local index (-lock +index):\n%s", diff)
	}
	if !bytes.HasSuffix(pk, []byte("\n\n")) {
		t.Error("the last paragraph does not end with a blank line (debootstrap skips it)")
	}
	rel, err := os.ReadFile(filepath.Join(repo, "dists/bookworm/Release"))
	if err != nil {
		t.Fatal(err)
	}
	sums, err := parseRelease(rel, "bookworm")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(pk)
	if want := (releaseSum{hex.EncodeToString(sum[:]), int64(len(pk))}); sums["main/binary-amd64/Packages"] != want {
		t.Errorf("Release lists %v, want %v", sums, want)
	}
	for _, p := range l.Packages {
		b, err := os.ReadFile(filepath.Join(repo, p.Path))
		if s := sha256.Sum256(b); err != nil || hex.EncodeToString(s[:]) != p.SHA256 {
			t.Errorf("%s in the repository: %v", p.Path, err)
		}
	}
}

func TestCheckInstalled(t *testing.T) {
	l := testLock()
	good := "ii \tbase-files\t12.4+deb12u15\tamd64\nii \tgcc\t4:12.2.0-3\tamd64\nii \tmedia-types\t10.0.0\tall\nii \tnasm\t2.16.01-1\tamd64\n"
	tests := []struct {
		name, out string
		wantErr   []string
	}{
		{name: "exact", out: good},
		{name: "other version", out: strings.Replace(good, "2.16.01-1", "2.16.01-2", 1),
			wantErr: []string{"nasm 2.16.01-2 amd64 is installed, the lock has 2.16.01-1 amd64"}},
		{name: "extra and missing", out: strings.Replace(good, "media-types\t10.0.0\tall", "mime-support\t3.66\tall", 1),
			wantErr: []string{"mime-support 3.66 all is installed but not locked", "media-types 10.0.0 is locked but not installed"}},
		{name: "half installed", out: strings.Replace(good, "ii \tgcc", "iU \tgcc", 1),
			wantErr: []string{`gcc 4:12.2.0-3 is in dpkg state "iU", want ii`}},
		{name: "garbage", out: "nonsense\n", wantErr: []string{`unexpected line "nonsense"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkInstalled(l, []byte(tt.out))
			if len(tt.wantErr) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatalf("checkInstalled() = nil, want %q", tt.wantErr)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error lacks %q:\n%v", w, err)
				}
			}
		})
	}
}
