package disk

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"manx/image/verity"
	"manx/image/verity/veritytest"
	"manx/internal/gpt"
)

func testSlot(t *testing.T, fill byte) *Slot {
	t.Helper()
	root := bytes.Repeat([]byte{fill}, 64*4096)
	tree, _ := veritytest.Tree(t, root)
	return &Slot{Root: root, Hash: tree.Device, RootHash: tree.RootHash}
}

func testSpec(t *testing.T) Spec {
	return Spec{ESP: make([]byte, 2*mib), A: testSlot(t, 0xa), SlotSize: mib, VeritySize: mib,
		RootType: gpt.TypeRootX86_64, VerityType: gpt.TypeRootX86_64Verity}
}

// TestBuild: the DPS layout, UUIDs from the root hash, contents in place,
// the same bytes twice; veritysetup verify accepts slot A read from the
// disk's partitions with its root hash.
func TestBuild(t *testing.T) {
	spec := testSpec(t)
	img, tab, err := Build(spec)
	if err != nil {
		t.Fatal(err)
	}
	again, _, err := Build(testSpec(t))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(img, again) {
		t.Error("two builds of the same spec differ")
	}
	read, err := gpt.Read(bytes.NewReader(img))
	if err != nil {
		t.Fatal(err)
	}
	wantLabels := []string{LabelESP, LabelRootA, LabelVerityA, LabelRootB, LabelVerityB}
	wantTypes := []gpt.GUID{gpt.TypeESP, gpt.TypeRootX86_64, gpt.TypeRootX86_64Verity, gpt.TypeRootX86_64, gpt.TypeRootX86_64Verity}
	if len(read.Partitions) != len(wantLabels) {
		t.Fatalf("%d partitions, want %d", len(read.Partitions), len(wantLabels))
	}
	for i, p := range read.Partitions {
		if p.Name != wantLabels[i] || p.Type != wantTypes[i] || p != tab.Partitions[i] {
			t.Errorf("partition %d = %+v, want %s of type %s as Build returned", i+1, p, wantLabels[i], wantTypes[i])
		}
	}
	rootID, verityID := RootUUIDs(spec.A.RootHash)
	if read.Partitions[1].GUID != rootID || read.Partitions[2].GUID != verityID {
		t.Errorf("slot A UUIDs %s/%s, want %s/%s", read.Partitions[1].GUID, read.Partitions[2].GUID, rootID, verityID)
	}
	seen := map[gpt.GUID]bool{read.DiskGUID: true}
	for _, p := range read.Partitions {
		if seen[p.GUID] {
			t.Errorf("GUID %s used twice", p.GUID)
		}
		seen[p.GUID] = true
	}
	a := read.Partitions[1]
	if got := img[a.FirstLBA*sector : a.FirstLBA*sector+uint64(len(spec.A.Root))]; !bytes.Equal(got, spec.A.Root) {
		t.Error("slot A's root is not at its partition")
	}

	// The oracle: veritysetup verify on the partitions as the kernel sees them.
	dir := t.TempDir()
	part := func(i int) string {
		p := read.Partitions[i]
		f := filepath.Join(dir, p.Name)
		if err := os.WriteFile(f, img[p.FirstLBA*sector:(p.LastLBA+1)*sector], 0o600); err != nil {
			t.Fatal(err)
		}
		return f
	}
	if _, err := exec.LookPath("veritysetup"); err != nil {
		t.Fatal("veritysetup not installed (setup installs cryptsetup-bin): the oracle is required")
	}
	if out, err := exec.Command("veritysetup", "verify", part(1), part(2), hex.EncodeToString(spec.A.RootHash)).CombinedOutput(); err != nil {
		t.Errorf("veritysetup verify slot A: %v\n%s", err, out)
	}
}

func TestBuildRefuses(t *testing.T) {
	tests := map[string]func(*Spec){
		"no slot A":       func(s *Spec) { s.A = nil },
		"root too big":    func(s *Spec) { s.SlotSize = mib; s.A.Root = make([]byte, 2*mib) },
		"odd ESP size":    func(s *Spec) { s.ESP = make([]byte, mib+512) },
		"short root hash": func(s *Spec) { s.A.RootHash = s.A.RootHash[:16] },
		"no verity size":  func(s *Spec) { s.VeritySize = 0 },
	}
	for name, mod := range tests {
		t.Run(name, func(t *testing.T) {
			s := testSpec(t)
			mod(&s)
			if _, _, err := Build(s); err == nil {
				t.Error("Build = nil error")
			}
		})
	}
}

func TestVerityCmdline(t *testing.T) {
	h := sha256.Sum256([]byte("root"))
	sb := verity.Superblock{Version: 1, HashType: 1, Algorithm: "sha256", DataBlockSize: 4096, HashBlockSize: 4096, DataBlocks: 10, Salt: []byte{0xab}}
	got, err := VerityCmdline(sb, h[:])
	if err != nil {
		t.Fatal(err)
	}
	root, hash := RootUUIDs(h[:])
	want := `dm-mod.create="manx-root,,,ro,0 80 verity 1 PARTUUID=` + root.String() + ` PARTUUID=` + hash.String() +
		` 4096 4096 10 1 sha256 ` + hex.EncodeToString(h[:]) + ` ab" dm-mod.waitfor=PARTUUID=` + root.String() + `,PARTUUID=` + hash.String() +
		` root=/dev/dm-0 rootfstype=erofs ro init=/init`
	if got != want {
		t.Errorf("VerityCmdline =\n%s\nwant\n%s", got, want)
	}
}
