//go:build oracle

package disk

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"manx/catalog"
	"manx/internal/gpt"
	"manx/internal/testutil"
	"manx/uki"
)

// The tests below judge the built disk image with tools that share no
// code with Manx (util-linux's sfdisk, dosfstools' fsck.fat, mtools,
// cryptsetup's veritysetup). `go run mage.go test` builds everything and
// runs them with -tags oracle; a missing tool fails them.

func tool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s not installed (go run mage.go setup installs it): the oracle is required", name)
	}
	return p
}

func run(t *testing.T, name string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(tool(t, name), args...)
	cmd.Env = append(os.Environ(), "MTOOLSRC=/dev/null")
	out, err := cmd.CombinedOutput()
	return string(out), err
}

var verityTable = regexp.MustCompile(`verity 1 PARTUUID=(\S+) PARTUUID=(\S+) 4096 4096 (\d+) 1 sha256 ([0-9a-f]{64}) ([0-9a-f]{64})"`)

// TestBuiltImage: sfdisk reads the DPS layout; fsck.fat finds the ESP
// clean; mtools reads systemd-boot and the counted UKI off it, the bytes
// built; the UKI's command line names root A's partitions and root hash,
// and veritysetup verify accepts root A's partitions with that hash (and
// refuses the tampered disk's).
func TestBuiltImage(t *testing.T) {
	env := testutil.BuildEnv(t)
	raw := testutil.Built(t, catalog.ImageDisk.In(env.BuildDir))
	dump, err := run(t, "sfdisk", "--dump", raw)
	if err != nil {
		t.Fatalf("sfdisk --dump: %v\n%s", err, dump)
	}
	low := strings.ToLower(dump)
	for _, w := range []string{
		"type=" + gpt.TypeESP.String() + `, uuid=`, `name="esp"`,
		"type=" + gpt.TypeRootX86_64.String(), `name="manx-root-a"`, `name="manx-root-b"`,
		"type=" + gpt.TypeRootX86_64Verity.String(), `name="manx-root-a-verity"`, `name="manx-root-b-verity"`,
	} {
		if !strings.Contains(low, w) {
			t.Errorf("sfdisk --dump lacks %q:\n%s", w, dump)
		}
	}
	img, err := os.ReadFile(raw)
	if err != nil {
		t.Fatal(err)
	}
	tab, err := gpt.Read(strings.NewReader(string(img)))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	part := func(disk []byte, i int) string {
		p := tab.Partitions[i]
		f := filepath.Join(dir, p.Name)
		if err := os.WriteFile(f, disk[p.FirstLBA*sector:(p.LastLBA+1)*sector], 0o600); err != nil {
			t.Fatal(err)
		}
		return f
	}
	esp := part(img, 0)
	if out, err := run(t, "fsck.fat", "-n", esp); err != nil {
		t.Errorf("fsck.fat -n on the ESP: %v\n%s", err, out)
	}
	for _, f := range []struct {
		path string
		art  catalog.Artefact
	}{
		{"::/EFI/BOOT/BOOTX64.EFI", catalog.ImageBoot},
		{"::/EFI/Linux/manx_2+3.efi", catalog.ImageUKI},
	} {
		out := filepath.Join(dir, filepath.Base(f.art.Path))
		if msg, err := run(t, "mcopy", "-n", "-i", esp, f.path, out); err != nil {
			t.Fatalf("mcopy %s: %v\n%s", f.path, err, msg)
		}
		got, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(testutil.Built(t, f.art.In(env.BuildDir)))
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("%s on the ESP differs from %s", f.path, f.art.Path)
		}
	}
	ukiBytes, err := os.ReadFile(testutil.Built(t, catalog.ImageUKI.In(env.BuildDir)))
	if err != nil {
		t.Fatal(err)
	}
	cmdline, ok, err := uki.SectionData(ukiBytes, uki.SectionCmdline)
	if err != nil || !ok {
		t.Fatalf("the image UKI's .cmdline: %v", err)
	}
	m := verityTable.FindStringSubmatch(string(cmdline))
	if m == nil {
		t.Fatalf("no dm-verity table in the UKI's command line: %s", cmdline)
	}
	if got := []string{m[1], m[2]}; got[0] != tab.Partitions[1].GUID.String() || got[1] != tab.Partitions[2].GUID.String() {
		t.Errorf("the command line names %v, the disk's root A is %s + %s", got, tab.Partitions[1].GUID, tab.Partitions[2].GUID)
	}
	if out, err := run(t, "veritysetup", "verify", part(img, 1), part(img, 2), m[4]); err != nil {
		t.Errorf("veritysetup verify root A with the UKI's root hash %s: %v\n%s", m[4], err, out)
	}
	tampered, err := os.ReadFile(testutil.Built(t, catalog.ImageDiskTampered.In(env.BuildDir)))
	if err != nil {
		t.Fatal(err)
	}
	if out, err := run(t, "veritysetup", "verify", part(tampered, 1), part(tampered, 2), m[4]); err == nil || !strings.Contains(out, "Verification failed") {
		t.Errorf("veritysetup verify of the tampered root A = %v, want its \"Verification failed\":\n%s", err, out)
	}
	t.Logf("summary: sfdisk shows the DPS types and labels, fsck.fat -n finds the ESP clean, veritysetup verify accepts root A with the UKI's root hash %s… and refuses the tampered disk", m[4][:12])
}
