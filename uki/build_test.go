package uki

import (
	"bytes"
	"context"
	"crypto/sha256"
	"debug/pe"
	"encoding/hex"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"manx/internal/deb/debtest"
	"manx/uki/oracle"
)

// testEpoch is a fixed SOURCE_DATE_EPOCH for tests (2025-01-01T00:00:00Z).
var testEpoch = time.Unix(1735689600, 0)

// fakeBytes returns n deterministic pseudo-random bytes starting with prefix.
func fakeBytes(seed uint64, prefix string, n int) []byte {
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	copy(b, prefix)
	return b
}

func testSpec(t testing.TB) Spec {
	return Spec{
		Stub:      debtest.SystemdStub(t),
		Linux:     fakeBytes(1, "fake kernel", 3<<20+5),
		Initrd:    fakeBytes(2, "070701", 1<<20+3),
		Cmdline:   "console=ttyS0 lockdown=integrity",
		OSRelease: "ID=manx\nNAME=Manx\nVERSION_ID=0\n",
		Uname:     "6.12.107-manx",
		Time:      testEpoch,
	}
}

// wantSBAT is the stub's .sbat (systemd 254.26-1~bpo12+1) merged with DefaultSBAT.
const wantSBAT = "sbat,1,SBAT Version,sbat,1,https://github.com/rhboot/shim/blob/main/SBAT.md\n" +
	"systemd,1,The systemd Developers,systemd,254,https://systemd.io/\n" +
	"systemd.debian,1,Debian GNU/Linux,systemd,254.26-1~bpo12+1,https://bugs.debian.org/\n" +
	"uki,1,UKI,uki,1,https://uapi-group.org/specifications/specs/unified_kernel_image/\n\x00"

// wantUKISHA256 is the known answer for testSpec: sha256 of the UKI this package built
// from the pinned stub when the test was written. A change means the layout changed.
const wantUKISHA256 = "d181a4ce2b55db3c64dc4ef500c871b594662d16feb4fc52a0f6415275fc1dd5"

func TestBuildReproducible(t *testing.T) {
	spec := testSpec(t)
	var a, b bytes.Buffer
	if err := Build(&a, spec); err != nil {
		t.Fatalf("Build() = %v", err)
	}
	spec.Stub = bytes.Clone(spec.Stub) // no hidden state shared between builds
	if err := Build(&b, spec); err != nil {
		t.Fatalf("Build() = %v", err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatalf("Build() twice: outputs differ")
	}
	sum := sha256.Sum256(a.Bytes())
	if got := hex.EncodeToString(sum[:]); got != wantUKISHA256 {
		t.Errorf("sha256(Build(testSpec)) = %s, want %s", got, wantUKISHA256)
	}
}

func TestBuildSections(t *testing.T) {
	spec := testSpec(t)
	out, err := Assemble(spec)
	if err != nil {
		t.Fatalf("Assemble() = %v", err)
	}
	f, err := pe.NewFile(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("debug/pe.NewFile(UKI) = %v", err)
	}
	want := map[string][]byte{
		".osrel":   []byte(spec.OSRelease),
		".cmdline": []byte(spec.Cmdline),
		".uname":   []byte(spec.Uname),
		".initrd":  spec.Initrd,
		".sbat":    []byte(wantSBAT),
		".linux":   spec.Linux,
	}
	for name, w := range want {
		s := f.Section(name)
		if s == nil {
			t.Errorf("section %s missing", name)
			continue
		}
		data, err := s.Data()
		if err != nil {
			t.Fatalf("Section(%s).Data() = %v", name, err)
		}
		if got := data[:s.VirtualSize]; !bytes.Equal(got, w) {
			t.Errorf("Section(%s) = %d bytes %.40q, want %d bytes %.40q", name, len(got), got, len(w), w)
		}
		if wantCh := uint32(0x40000040); name == ".linux" && s.Characteristics != 0x40000020 || name != ".linux" && s.Characteristics != wantCh {
			t.Errorf("Section(%s).Characteristics = %#x", name, s.Characteristics)
		}
	}
	oh := f.OptionalHeader.(*pe.OptionalHeader64)
	last := f.Sections[len(f.Sections)-1]
	gotHdr := []uint32{f.TimeDateStamp, oh.CheckSum, oh.SizeOfImage}
	wantHdr := []uint32{uint32(testEpoch.Unix()), 0, (last.VirtualAddress + last.VirtualSize + 0xfff) &^ 0xfff}
	if diff := cmp.Diff(wantHdr, gotHdr); diff != "" {
		t.Errorf("headers [TimeDateStamp CheckSum SizeOfImage] mismatch (-want +got):\n%s", diff)
	}
	if len(out)%8 != 0 {
		t.Errorf("len(UKI) = %d, want a multiple of 8 (edk2 hashes unsigned files unpadded)", len(out))
	}
}

// TestBuildPCRPolicySections checks .pcrpkey and .pcrsig land in ukify's
// order: .pcrpkey before .initrd, .pcrsig after .sbat, .linux last.
func TestBuildPCRPolicySections(t *testing.T) {
	spec := testSpec(t)
	spec.PCRPKey = []byte("-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n")
	spec.PCRSig = []byte(`{"sha256":[]}`)
	out, err := Assemble(spec)
	if err != nil {
		t.Fatalf("Assemble() = %v", err)
	}
	f, err := pe.NewFile(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, s := range f.Sections {
		if s.VirtualAddress >= f.Section(".osrel").VirtualAddress {
			names = append(names, s.Name)
		}
	}
	want := []string{".osrel", ".cmdline", ".uname", ".pcrpkey", ".initrd", ".pcrsig", ".linux"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("added sections (-want +got):\n%s", diff)
	}
	for name, w := range map[string][]byte{".pcrpkey": spec.PCRPKey, ".pcrsig": spec.PCRSig} {
		s := f.Section(name)
		data, _ := s.Data()
		if !bytes.Equal(data[:s.VirtualSize], w) {
			t.Errorf("%s = %q, want %q", name, data[:s.VirtualSize], w)
		}
	}
}

func TestBuildOmitsEmptySections(t *testing.T) {
	spec := testSpec(t)
	spec.Initrd, spec.Uname, spec.Cmdline = nil, "", ""
	out, err := Assemble(spec)
	if err != nil {
		t.Fatalf("Assemble() = %v", err)
	}
	f, err := pe.NewFile(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("debug/pe.NewFile(UKI) = %v", err)
	}
	var names []string
	for _, s := range f.Sections {
		names = append(names, s.Name)
	}
	want := []string{".text", ".rodata", ".data", ".sdmagic", ".sbat", ".reloc", ".osrel", ".linux"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("sections mismatch (-want +got):\n%s", diff)
	}
}

// TestBuildObjdump is the oracle test: binutils objdump must list the stub's sections
// followed by the UKI sections in ukify 254 order, at increasing, section-aligned VMAs,
// with sizes equal to the inputs.
func TestBuildObjdump(t *testing.T) {
	if _, err := exec.LookPath("objdump"); err != nil {
		t.Skip("objdump not installed")
	}
	spec := testSpec(t)
	out, err := Assemble(spec)
	if err != nil {
		t.Fatalf("Assemble() = %v", err)
	}
	p := filepath.Join(t.TempDir(), "uki.efi")
	if err := os.WriteFile(p, out, 0o644); err != nil {
		t.Fatal(err)
	}
	secs, err := oracle.Objdump(context.Background(), p)
	if err != nil {
		t.Fatal(err)
	}
	if err := oracle.CheckUKI(secs); err != nil {
		t.Fatalf("objdump -h: %v", err)
	}
	wantSize := map[string]int{".osrel": len(spec.OSRelease), ".cmdline": len(spec.Cmdline), ".uname": len(spec.Uname),
		".initrd": len(spec.Initrd), ".linux": len(spec.Linux), ".sbat": len(wantSBAT)}
	for _, s := range secs {
		if w, ok := wantSize[s.Name]; ok && s.Size != uint64(w) {
			t.Errorf("objdump: %s size %#x, want %#x", s.Name, s.Size, w)
		}
	}
}

func TestBuildErrors(t *testing.T) {
	good := testSpec(t)
	signedStub := bytes.Clone(good.Stub)
	// Data directory 4 (certificate table) of the PE32+ stub: e_lfanew 0x40, +24 to the
	// optional header, +112 to the data directories.
	signedStub[0x40+24+112+4*8] = 0x10
	tests := []struct {
		name string
		edit func(*Spec)
	}{
		{"no stub", func(s *Spec) { s.Stub = nil }},
		{"no kernel", func(s *Spec) { s.Linux = nil }},
		{"no time", func(s *Spec) { s.Time = time.Time{} }},
		{"time before 1970", func(s *Spec) { s.Time = time.Unix(-1, 0) }},
		{"NUL in cmdline", func(s *Spec) { s.Cmdline = "a\x00b" }},
		{"pcrsig without pcrpkey", func(s *Spec) { s.PCRSig = []byte("{}") }},
		{"signed stub", func(s *Spec) { s.Stub = signedStub }},
		{"not a PE stub", func(s *Spec) { s.Stub = []byte("not a PE") }},
		{"sbat too large", func(s *Spec) { s.SBAT = DefaultSBAT + strings.Repeat("x,1,x,x,1,x\n", 64) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := good
			tt.edit(&s)
			if _, err := Assemble(s); err == nil {
				t.Errorf("Assemble(%s) = nil error, want error", tt.name)
			}
		})
	}
}

func TestMergeSBAT(t *testing.T) {
	tests := []struct {
		name  string
		stub  string
		extra string
		want  string
	}{
		{"stub and default", "sbat,1,a\nsystemd,1,x\n\x00\x00", DefaultSBAT, sbatHeader + "\nsystemd,1,x\nuki,1,UKI,uki,1,https://uapi-group.org/specifications/specs/unified_kernel_image/\n\x00"},
		{"no stub sbat", "", "sbat,1\nfoo,1\n", sbatHeader + "\nfoo,1\n\x00"},
		{"invalid extra skipped", "sbat,1\nsystemd,1\n", "foo,1\n", sbatHeader + "\nsystemd,1\n\x00"},
		{"crlf", "sbat,1\r\nsystemd,1\r\n", "", sbatHeader + "\nsystemd,1\n\x00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stub []byte
			if tt.stub != "" {
				stub = []byte(tt.stub)
			}
			if got := string(mergeSBAT(stub, []byte("not a PE"), tt.extra)); got != tt.want {
				t.Errorf("mergeSBAT(%q, %q) = %q, want %q", tt.stub, tt.extra, got, tt.want)
			}
		})
	}
}
