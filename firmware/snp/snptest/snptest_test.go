package snptest

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"manx/internal/pins"
)

func TestGeneratedInputs(t *testing.T) {
	for _, tc := range []struct {
		name, sha string
		size      int
	}{
		{KernelFile, KernelSHA256, 65536},
		{InitrdFile, InitrdSHA256, 8192},
		{OVMFFile, OVMFSHA256, 4 << 20},
	} {
		b := ReadFile(t, tc.name)
		sum := sha256.Sum256(b)
		if len(b) != tc.size || hex.EncodeToString(sum[:]) != tc.sha {
			t.Errorf("ReadFile(%s) = %d bytes, sha256 %x, want %d bytes, sha256 %s", tc.name, len(b), sum, tc.size, tc.sha)
		}
	}
	a, b := ReadFile(t, KernelFile), ReadFile(t, KernelFile)
	a[0]++
	if a[0] == b[0] {
		t.Errorf("ReadFile returns shared bytes, want a fresh copy per call")
	}
}

// TestREADME checks that the vectors' README states the command that produced
// them and the same inputs, sha256s and pin as the code.
func TestREADME(t *testing.T) {
	e, err := env()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(e.Root, filepath.FromSlash(VectorsDir), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	l, err := pins.Load(filepath.Join(e.Root, pins.File))
	if err != nil {
		t.Fatal(err)
	}
	p, err := l.Get(OVMFPin)
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	for _, want := range []string{
		"sev-snp-measure --mode snp --vcpus=V --vcpu-type=T --guest-features=F",
		"--ovmf=" + OVMFFile, "--kernel=" + KernelFile, "--initrd=" + InitrdFile,
		KernelSHA256, InitrdSHA256, OVMFSHA256, OVMFPath,
		"`" + p.Name + "`", p.Version, p.Path, p.SHA256,
	} {
		if !strings.Contains(readme, want) {
			t.Errorf("%s/README.md does not state %q", VectorsDir, want)
		}
	}
}

func TestDir(t *testing.T) {
	dir := Dir(t)
	for _, v := range Vectors(t) {
		for _, name := range []string{v.OVMF, v.Kernel, v.Initrd} {
			if name == "" {
				continue
			}
			if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
				t.Errorf("vector %d: %v", v.ID, err)
			}
		}
	}
}

func TestParseVectors(t *testing.T) {
	for _, in := range []string{`[]`, `{`, `[{"id":1,"ovmf":"","vcpus":1,"vcpu_type":"EPYC","measurement":"00"}]`} {
		if _, err := parseVectors([]byte(in)); err == nil {
			t.Errorf("parseVectors(%s) = nil error, want an error", in)
		}
	}
}
