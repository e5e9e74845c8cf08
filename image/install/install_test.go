package install

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"manx/image/disk"
	"manx/image/update"
	"manx/image/verity/veritytest"
	"manx/internal/gpt"
)

const mib = 1 << 20

func slot(t *testing.T, fill byte) (*disk.Slot, *update.Bundle) {
	t.Helper()
	root := bytes.Repeat([]byte{fill}, 64*4096)
	tree, params := veritytest.Tree(t, root)
	uki := fmt.Appendf(nil, "uki: 1 sha256 %x %x\"", tree.RootHash, params.Salt)
	return &disk.Slot{Root: root, Hash: tree.Device, RootHash: tree.RootHash},
		&update.Bundle{ImageVersion: 3, Root: root, Verity: tree.Device, RootHash: tree.RootHash, UKI: uki}
}

// TestWrite: an update goes into slot B, whose partitions then carry the
// UUIDs its root hash gives; veritysetup verify accepts B's partitions with
// the new root hash; slot A and the ESP are untouched.
func TestWrite(t *testing.T) {
	a, _ := slot(t, 0xa)
	_, upd := slot(t, 0xb)
	img, tab, err := disk.Build(disk.Spec{ESP: make([]byte, mib), A: a, SlotSize: mib, VeritySize: mib,
		RootType: gpt.TypeRootX86_64, VerityType: gpt.TypeRootX86_64Verity})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "disk.raw")
	if err := os.WriteFile(path, img, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	read, err := gpt.Read(f)
	if err != nil {
		t.Fatal(err)
	}
	cmdline := fmt.Sprintf(`dm-mod.create="manx-root,,,ro,0 512 verity 1 PARTUUID=%s PARTUUID=%s 4096"`, tab.Partitions[1].GUID, tab.Partitions[2].GUID)
	running, err := RunningRoot(cmdline)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Inactive(read, running)
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "b" {
		t.Fatalf("inactive slot %s, want b", s.Name)
	}
	if _, err := Write(f, int64(len(img)), read, s, upd); err != nil {
		t.Fatal(err)
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	nt, err := gpt.Read(bytes.NewReader(after))
	if err != nil {
		t.Fatal(err)
	}
	rootID, verityID := disk.RootUUIDs(upd.RootHash)
	if nt.Partitions[3].GUID != rootID || nt.Partitions[4].GUID != verityID {
		t.Errorf("slot B UUIDs %s/%s, want %s/%s", nt.Partitions[3].GUID, nt.Partitions[4].GUID, rootID, verityID)
	}
	for i := range 3 {
		p := tab.Partitions[i]
		lo, hi := p.FirstLBA*gpt.SectorSize, (p.LastLBA+1)*gpt.SectorSize
		if !bytes.Equal(after[lo:hi], img[lo:hi]) || nt.Partitions[i] != read.Partitions[i] {
			t.Errorf("partition %d (%s) changed", i+1, p.Name)
		}
	}
	if again, err := Inactive(nt, rootID); err != nil || again.Name != "a" {
		t.Errorf("after the update, booted from B, the inactive slot is %+v, %v; want a", again.Name, err)
	}
	dir := t.TempDir()
	part := func(p gpt.Partition) string {
		f := filepath.Join(dir, p.Name)
		if err := os.WriteFile(f, after[p.FirstLBA*gpt.SectorSize:(p.LastLBA+1)*gpt.SectorSize], 0o600); err != nil {
			t.Fatal(err)
		}
		return f
	}
	if _, err := exec.LookPath("veritysetup"); err != nil {
		t.Fatal("veritysetup not installed (setup installs cryptsetup-bin): the oracle is required")
	}
	if out, err := exec.Command("veritysetup", "verify", part(nt.Partitions[3]), part(nt.Partitions[4]), hex.EncodeToString(upd.RootHash)).CombinedOutput(); err != nil {
		t.Errorf("veritysetup verify slot B: %v\n%s", err, out)
	}
}

func TestWriteRefusesTooBig(t *testing.T) {
	a, upd := slot(t, 0xa)
	img, tab, err := disk.Build(disk.Spec{ESP: make([]byte, mib), A: a, SlotSize: mib, VeritySize: mib,
		RootType: gpt.TypeRootX86_64, VerityType: gpt.TypeRootX86_64Verity})
	if err != nil {
		t.Fatal(err)
	}
	slots, err := Slots(tab)
	if err != nil {
		t.Fatal(err)
	}
	upd.Root = make([]byte, 2*mib)
	path := filepath.Join(t.TempDir(), "disk.raw")
	if err := os.WriteFile(path, img, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := Write(f, int64(len(img)), tab, slots[1], upd); err == nil {
		t.Fatal("Write of a root larger than the slot = nil error")
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(after, img) {
		t.Error("a refused Write changed the disk")
	}
}

func TestRunningRootRefuses(t *testing.T) {
	if _, err := RunningRoot("console=ttyS0 root=/dev/vda2"); err == nil {
		t.Error("RunningRoot without a verity table = nil error")
	}
}
