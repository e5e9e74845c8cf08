package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"manx/internal/gpt"
)

const espUUID = "0a1b2c3d-0000-4000-8000-00000000e5e5"

func efiString(s string) []byte {
	b := []byte{7, 0, 0, 0}
	for _, c := range utf16.Encode([]rune(s)) {
		b = append(b, byte(c), byte(c>>8))
	}
	return append(b, 0, 0)
}

// testBlesser has an ESP directory with one counted entry and the
// variables systemd-boot sets; root is the mountinfo line for /.
func testBlesser(t *testing.T, root string, vars map[string]string) (blesser, string) {
	t.Helper()
	dir := t.TempDir()
	efivars, esp := filepath.Join(dir, "efivars"), filepath.Join(dir, "esp")
	for _, d := range []string{efivars, filepath.Join(esp, "EFI/Linux")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for name, v := range vars {
		if err := os.WriteFile(filepath.Join(efivars, name), efiString(v), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(esp, "EFI/Linux/manx_1+2-1.efi"), []byte("uki"), 0o644); err != nil {
		t.Fatal(err)
	}
	dm := filepath.Join(dir, "sys/dev/block/253:0/dm")
	if err := os.MkdirAll(dm, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dm, "name"), []byte("manx-root\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	mi := filepath.Join(dir, "mountinfo")
	if err := os.WriteFile(mi, []byte("22 1 8:1 / /proc rw - proc proc rw\n"+root+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return blesser{
		efivars: efivars, mountInfo: mi, espDir: esp, sysBlock: filepath.Join(dir, "sys/dev/block"),
		findESP: func(id gpt.GUID) (string, error) {
			if id.String() != espUUID {
				t.Errorf("findESP(%s), want %s", id, espUUID)
			}
			return "/dev/vda1", nil
		},
		mount: func(dev, dir string) (func() error, error) { return func() error { return nil }, nil },
	}, esp
}

func TestBlessBoot(t *testing.T) {
	const verityRoot = "21 1 253:0 / / ro,relatime - erofs /dev/root ro"
	counted := map[string]string{varLoaderBootCountPath: `\EFI\Linux\manx_1+2-1.efi`, varLoaderDevicePartUUID: strings.ToUpper(espUUID)}
	tests := []struct {
		name, root string
		vars       map[string]string
		want       string // console output
		blessed    bool
	}{
		{"blessed", verityRoot, counted, "manx: boot marked good: \\EFI\\Linux\\manx_1.efi\n", true},
		{"not counted", verityRoot, map[string]string{varLoaderDevicePartUUID: espUUID}, "", false},
		{"writable root", "21 1 253:0 / / rw - erofs /dev/root rw", counted, "manx: boot not blessed: / (manx-root) is mounted rw, not read-only\n", false},
		{"not verity", "21 1 254:2 / / ro - ext4 /dev/root ro", counted, "manx: boot not blessed: / is device 254:2 (/dev/root), not the dm-verity root manx-root\n", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, esp := testBlesser(t, tc.root, tc.vars)
			var out bytes.Buffer
			blessBoot(console{&out}, b)
			if out.String() != tc.want {
				t.Errorf("console = %q, want %q", out.String(), tc.want)
			}
			_, err := os.Stat(filepath.Join(esp, "EFI/Linux/manx_1.efi"))
			if got := err == nil; got != tc.blessed {
				t.Errorf("manx_1.efi exists = %v, want %v", got, tc.blessed)
			}
		})
	}
}
