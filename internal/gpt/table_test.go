package gpt

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func testTable() Table {
	return Table{
		DiskGUID: MustGUID("6d616e78-0000-4000-8000-000000000001"),
		Partitions: []Partition{
			{Type: TypeESP, GUID: MustGUID("6d616e78-0000-4000-8000-0000000000e5"), Name: "esp", FirstLBA: 2048, LastLBA: 4095, Number: 1},
			{Type: TypeRootX86_64, GUID: MustGUID("0123abcd-4567-89ab-cdef-0123456789ab"), Name: "manx-root-a", FirstLBA: 4096, LastLBA: 6143, Attributes: AttrReadOnly, Number: 2},
			{Type: TypeRootX86_64Verity, GUID: MustGUID("fedcba98-7654-3210-fedc-ba9876543210"), Name: "manx-root-a-verity", FirstLBA: 6144, LastLBA: 6199, Attributes: AttrReadOnly, Number: 3},
		},
	}
}

// TestWriteRead: Read gives back what Write wrote.
func TestWriteRead(t *testing.T) {
	disk := make([]byte, 8<<20)
	tab := testTable()
	if err := tab.Write(disk); err != nil {
		t.Fatal(err)
	}
	got, err := Read(bytes.NewReader(disk))
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(tab, got); diff != "" {
		t.Errorf("Read(Write) (-wrote +read):\n%s", diff)
	}
	if p, ok := got.Find(tab.Partitions[2].GUID); !ok || p.Number != 3 {
		t.Errorf("Find = %+v, %v; want partition 3", p, ok)
	}
	// Corrupt one entry byte: the entries CRC refuses it.
	disk[2*SectorSize+200] ^= 1
	if _, err := Read(bytes.NewReader(disk)); err == nil || !strings.Contains(err.Error(), "entries CRC32") {
		t.Errorf("Read of a corrupted entry array = %v, want an entries CRC32 error", err)
	}
}

// TestSfdiskOracle: sfdisk (util-linux) reads the table as written, with
// the DPS types, GUIDs, names and attributes; setup installs it (fdisk).
func TestSfdiskOracle(t *testing.T) {
	if _, err := exec.LookPath("sfdisk"); err != nil {
		t.Fatal("sfdisk not installed (go run mage.go setup installs fdisk): the oracle is required")
	}
	disk := make([]byte, 8<<20)
	tab := testTable()
	if err := tab.Write(disk); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "disk.img")
	if err := os.WriteFile(p, disk, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("sfdisk", "--dump", p).CombinedOutput()
	if err != nil {
		t.Fatalf("sfdisk --dump: %v\n%s", err, out)
	}
	dump := strings.ToLower(string(out))
	wants := []string{
		"label: gpt",
		"label-id: " + tab.DiskGUID.String(),
		"first-lba: 34",
	}
	for i, part := range tab.Partitions {
		line := fmt.Sprintf("disk.img%d : start=%12d, size=%12d, type=%s, uuid=%s, name=%q", i+1, part.FirstLBA, part.LastLBA-part.FirstLBA+1, part.Type, part.GUID, part.Name)
		if part.Attributes == AttrReadOnly {
			line += ", attrs=\"guid:60\""
		}
		wants = append(wants, line)
	}
	for _, w := range wants {
		if !strings.Contains(dump, w) {
			t.Errorf("sfdisk --dump lacks %q:\n%s", w, out)
		}
	}
	if v, err := exec.Command("sfdisk", "--verify", p).CombinedOutput(); err != nil {
		t.Errorf("sfdisk --verify: %v\n%s", err, v)
	}
}

func TestWriteRefuses(t *testing.T) {
	tests := map[string]func(*Table){
		"no type":      func(t *Table) { t.Partitions[0].Type = GUID{} },
		"overlap":      func(t *Table) { t.Partitions[1].FirstLBA = 4000 },
		"before 34":    func(t *Table) { t.Partitions[0].FirstLBA = 10 },
		"past the end": func(t *Table) { t.Partitions[2].LastLBA = 1 << 20 },
		"long name":    func(t *Table) { t.Partitions[0].Name = strings.Repeat("x", 37) },
	}
	for name, mod := range tests {
		t.Run(name, func(t *testing.T) {
			tab := testTable()
			mod(&tab)
			if err := tab.Write(make([]byte, 8<<20)); err == nil {
				t.Error("Write = nil error")
			}
		})
	}
}

func TestGUIDString(t *testing.T) {
	const s = "c12a7328-f81f-11d2-ba4b-00a0c93ec93b"
	g := MustGUID(strings.ToUpper(s))
	if g.String() != s {
		t.Errorf("String = %s", g)
	}
	if m := g.mixed(); fromMixed(m[:]) != g {
		t.Error("fromMixed(mixed) differs")
	}
	if _, err := ParseGUID("c12a7328f81f11d2ba4b00a0c93ec93b"); err == nil {
		t.Error("ParseGUID without dashes = nil error")
	}
}

// FuzzRead: any disk reads or errors without panicking.
func FuzzRead(f *testing.F) {
	disk := make([]byte, 100*SectorSize)
	tab := Table{Partitions: []Partition{{Type: TypeESP, Name: "esp", FirstLBA: 34, LastLBA: 60}}}
	if err := tab.Write(disk); err != nil {
		f.Fatal(err)
	}
	f.Add(disk[:34*SectorSize])
	f.Fuzz(func(t *testing.T, b []byte) {
		tab, err := Read(bytes.NewReader(b))
		if err == nil && len(tab.Partitions) > 1024 {
			t.Fatal("more partitions than entries")
		}
	})
}

// TestMixedEndian: the ESP type's on-disk bytes (UEFI 2.10 Table 5.7).
func TestMixedEndian(t *testing.T) {
	m := TypeESP.mixed()
	if got, want := fmt.Sprintf("%x", m[:]), "28732ac11ff8d211ba4b00a0c93ec93b"; got != want {
		t.Errorf("mixed(ESP) = %s, want %s", got, want)
	}
}

func FuzzParseGUID(f *testing.F) {
	f.Add(TypeESP.String())
	f.Add("nope")
	f.Fuzz(func(t *testing.T, s string) {
		g, err := ParseGUID(s)
		if err != nil {
			return
		}
		if !strings.EqualFold(g.String(), s) {
			t.Fatalf("ParseGUID(%q) round-trips to %q", s, g)
		}
	})
}

// TestWriteAt: writing only the table's sectors through an io.WriterAt
// gives the bytes Write gives, and leaves partition contents alone.
func TestWriteAt(t *testing.T) {
	tab := testTable()
	want := make([]byte, 8<<20)
	want[3000*SectorSize] = 0x5a // partition data
	got := bytes.Clone(want)
	if err := tab.Write(want); err != nil {
		t.Fatal(err)
	}
	f, err := os.Create(filepath.Join(t.TempDir(), "disk"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Write(got); err != nil {
		t.Fatal(err)
	}
	if err := tab.WriteAt(f, int64(len(got))); err != nil {
		t.Fatal(err)
	}
	if got, err = os.ReadFile(f.Name()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("WriteAt wrote other bytes than Write")
	}
}
