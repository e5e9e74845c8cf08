package esp

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"manx/internal/gpt"
)

var testEpoch = time.Unix(1735689600, 0) // 2025-01-01T00:00:00Z

func fakeBytes(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n+8)
	for i := 0; i < n; i += 8 {
		binary.LittleEndian.PutUint64(b[i:], r.Uint64())
	}
	return b[:n]
}

var testFiles = sync.OnceValue(func() map[string][]byte {
	return map[string][]byte{
		"EFI/BOOT/BOOTX64.EFI":           fakeBytes(1, 9<<20+123),
		"EFI/Linux/manx-6.12.efi":        fakeBytes(2, 70000),
		"loader/entries/manx.conf":       []byte("title Manx\nefi /EFI/Linux/manx-6.12.efi\n"),
		"EFI/BOOT/empty":                 nil,
		"startup.nsh":                    []byte("FS0:\\EFI\\BOOT\\BOOTX64.EFI\r\n"),
		"A Very Long Directory Name/x.y": []byte("lfn dir"),
	}
})

// wantSHA256 are known answers for testFiles at testEpoch (GPT, superfloppy), recorded
// when the tests were written; a change means the on-disk layout changed.
var wantSHA256 = map[bool]string{
	false: "f269a986c5a6fbbc3cb28755048621874e6b0db8bd56a288a1542283f261be2f",
	true:  "b9d39abce60f7f146f25b0f41e32cdc09495b29e5970d40269d6b3432f54c5a9",
}

func TestBuildReproducible(t *testing.T) {
	for _, sf := range []bool{false, true} {
		t.Run("superfloppy="+strconv.FormatBool(sf), func(t *testing.T) {
			a, err := Build(testFiles(), testEpoch, Options{Superfloppy: sf})
			if err != nil {
				t.Fatalf("Build() = %v", err)
			}
			var b bytes.Buffer
			if err := WriteImage(&b, testFiles(), testEpoch, Options{Superfloppy: sf}); err != nil {
				t.Fatalf("WriteImage() = %v", err)
			}
			if !bytes.Equal(a, b.Bytes()) {
				t.Fatalf("Build() twice: images differ")
			}
			sum := sha256.Sum256(a)
			if got := hex.EncodeToString(sum[:]); got != wantSHA256[sf] {
				t.Errorf("sha256(Build(testFiles)) = %s, want %s", got, wantSHA256[sf])
			}
		})
	}
}

func tool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s not installed: oracle skipped", name)
	}
	return p
}

// TestMtools is the oracle test: mtools must read every file back byte-identical and
// fsck.fat must find no errors.
func TestMtools(t *testing.T) {
	mcopy := tool(t, "mcopy")
	for _, sf := range []bool{false, true} {
		t.Run("superfloppy="+strconv.FormatBool(sf), func(t *testing.T) {
			img, err := Build(testFiles(), testEpoch, Options{Superfloppy: sf})
			if err != nil {
				t.Fatalf("Build() = %v", err)
			}
			dir := t.TempDir()
			p := filepath.Join(dir, "esp.img")
			if err := os.WriteFile(p, img, 0o644); err != nil {
				t.Fatal(err)
			}
			target := p
			if !sf {
				target = p + "@@" + strconv.Itoa(PartitionOffset)
			}
			env := append(os.Environ(), "MTOOLS_SKIP_CHECK=0", "MTOOLSRC=/dev/null")
			for name, want := range testFiles() {
				cmd := exec.Command(mcopy, "-n", "-i", target, "::"+name, "-")
				cmd.Env = env
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				got, err := cmd.Output()
				if err != nil {
					t.Errorf("mcopy ::%s: %v\n%s", name, err, stderr.Bytes())
					continue
				}
				if !bytes.Equal(got, want) {
					t.Errorf("mcopy ::%s = %d bytes, want %d identical bytes", name, len(got), len(want))
				}
			}
			mdir := exec.Command(tool(t, "mdir"), "-/", "-i", target, "::")
			mdir.Env = env
			out, err := mdir.CombinedOutput()
			t.Logf("mdir -/ ::\n%s", out)
			if err != nil {
				t.Errorf("mdir: %v", err)
			}
			if !strings.Contains(string(out), "MANX-ESP") || !strings.Contains(string(out), "manx-6.12.efi") {
				t.Errorf("mdir output lacks the label or the long name")
			}

			fsck := tool(t, "fsck.fat")
			vol := p
			if !sf {
				vol = filepath.Join(dir, "part.img")
				last := gpt.LastUsableLBA(uint64(len(img) / sectorSize))
				if err := os.WriteFile(vol, img[PartitionOffset:(last+1)*sectorSize], 0o644); err != nil {
					t.Fatal(err)
				}
			}
			out, err = exec.Command(fsck, "-n", "-v", vol).CombinedOutput()
			t.Logf("fsck.fat -n -v:\n%s", out)
			if err != nil {
				t.Errorf("fsck.fat -n: %v", err)
			}
		})
	}
}

// TestSfdisk checks the GPT with sfdisk (oracle): one EFI System partition at 1 MiB.
func TestSfdisk(t *testing.T) {
	sfdisk := tool(t, "sfdisk")
	img, err := Build(testFiles(), testEpoch, Options{})
	if err != nil {
		t.Fatalf("Build() = %v", err)
	}
	p := filepath.Join(t.TempDir(), "esp.img")
	if err := os.WriteFile(p, img, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(sfdisk, "--dump", p).CombinedOutput()
	t.Logf("sfdisk --dump:\n%s", out)
	if err != nil {
		t.Fatalf("sfdisk --dump: %v", err)
	}
	for _, want := range []string{
		"label: gpt",
		"label-id: " + DefaultDiskGUID,
		"start=        2048, size=      128991, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, uuid=" + DefaultPartitionGUID + `, name="EFI System Partition"`,
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("sfdisk --dump lacks %q", want)
		}
	}
	if strings.Contains(strings.ToLower(string(out)), "warn") || strings.Contains(strings.ToLower(string(out)), "corrupt") {
		t.Errorf("sfdisk reported a problem")
	}
}

func TestBuildErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string][]byte
		t     time.Time
		o     Options
		want  error
	}{
		{"no time", testFiles(), time.Time{}, Options{}, nil},
		{"too small", testFiles(), testEpoch, Options{Size: 8 << 20}, nil},
		{"odd size", testFiles(), testEpoch, Options{Size: 64<<20 + 1}, nil},
		{"too many bytes", map[string][]byte{"big": make([]byte, 64<<20)}, testEpoch, Options{}, ErrNoSpace},
		{"invalid name", map[string][]byte{"a/b:c": nil}, testEpoch, Options{}, nil},
		{"dot dot", map[string][]byte{"a/../b": nil}, testEpoch, Options{}, nil},
		{"file and dir", map[string][]byte{"a": nil, "a/b": nil}, testEpoch, Options{}, nil},
		{"case clash", map[string][]byte{"EFI/x": nil, "efi/x": nil}, testEpoch, Options{}, nil},
		{"lower-case label", testFiles(), testEpoch, Options{Label: "manx"}, nil},
		{"bad GUID", testFiles(), testEpoch, Options{DiskGUID: "nope"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Build(tt.files, tt.t, tt.o)
			if err == nil || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Errorf("Build(%s) = %v, want error %v", tt.name, err, tt.want)
			}
		})
	}
}

func TestShortName(t *testing.T) {
	tests := []struct {
		in    string
		want  string
		flags byte
		ok    bool
	}{
		{"BOOTX64.EFI", "BOOTX64 EFI", 0, true},
		{"bootx64.efi", "BOOTX64 EFI", caseLowerBase | caseLowerExt, true},
		{"EFI", "EFI        ", 0, true},
		{"Linux", "", 0, false},
		{"manx-6.12.efi", "", 0, false},
		{"toolongname.efi", "", 0, false},
		{"a.b.c", "", 0, false},
		{"a+b", "", 0, false},
	}
	for _, tt := range tests {
		name, flags, ok := shortName(tt.in)
		if ok != tt.ok || (ok && (string(name[:]) != tt.want || flags != tt.flags)) {
			t.Errorf("shortName(%q) = %q, %#x, %v; want %q, %#x, %v", tt.in, name, flags, ok, tt.want, tt.flags, tt.ok)
		}
	}
}

func TestAliasName(t *testing.T) {
	str := func(b [11]byte) string { return string(b[:]) }
	got := []string{str(aliasName("manx-6.12.efi", 1)), str(aliasName("A Very Long Directory Name", 2)), str(aliasName(".hidden", 1))}
	want := []string{"MANX-6~1EFI", "AVERYL~2   ", "HIDDEN~1   "}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("aliasName mismatch (-want +got):\n%s", diff)
	}
}
