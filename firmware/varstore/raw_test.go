package varstore

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"manx/internal/testutil"
)

func rawBytes(t testing.TB, s *Store, l Layout) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := s.WriteRawLayout(&b, l); err != nil {
		t.Fatalf("WriteRawLayout(%s) error = %v", l.Name, err)
	}
	return b.Bytes()
}

func TestRawRoundTrip(t *testing.T) {
	c := throwAway(t)
	for _, k := range Kinds {
		for _, l := range knownLayouts {
			t.Run(k.String()+"/"+l.Name, func(t *testing.T) {
				s := mustNew(t, k, c)
				img := rawBytes(t, s, l)
				if len(img) != l.Size {
					t.Fatalf("len(image) = %d, want %d", len(img), l.Size)
				}
				got, err := ParseRaw(img)
				if err != nil {
					t.Fatalf("ParseRaw() error = %v", err)
				}
				if diff := cmp.Diff(s, got, cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("ParseRaw(WriteRaw(s)) mismatch (-want +got):\n%s", diff)
				}
				got2, err := ReadRaw(bytes.NewReader(img), int64(len(img)))
				if err != nil || !cmp.Equal(got, got2, cmpopts.EquateEmpty()) {
					t.Errorf("ReadRaw() = %v, want the ParseRaw result", err)
				}
			})
		}
	}
}

func TestRawDeterministic(t *testing.T) {
	c := throwAway(t)
	for _, k := range Kinds {
		a := rawBytes(t, mustNew(t, k, c), Layout4M)
		b := rawBytes(t, mustNew(t, k, c), Layout4M)
		if !bytes.Equal(a, b) {
			t.Errorf("%v: two builds differ", k)
		}
		// Input order does not matter: writers sort.
		s := mustNew(t, k, c)
		slices.Reverse(s.Variables)
		if r := rawBytes(t, s, Layout4M); !bytes.Equal(a, r) {
			t.Errorf("%v: reversed variable order changes the image", k)
		}
	}
}

// TestRawGolden pins the sha256 of each 4M image built from the fixed
// test certificates (the images themselves are too big for testdata).
func TestRawGolden(t *testing.T) {
	c := fixedCerts(t)
	var sums strings.Builder
	for _, k := range Kinds {
		sum := sha256.Sum256(rawBytes(t, mustNew(t, k, c), Layout4M))
		fmt.Fprintf(&sums, "%s  %s\n", hex.EncodeToString(sum[:]), FileName(k, Raw))
	}
	testutil.Golden(t, filepath.Join("testdata", "raw.sha256"), []byte(sums.String()))
}

// TestRawBlankMatchesDebian: an empty store is byte-identical to Debian's
// blank OVMF_VARS (4M and 2M), so every header region matches.
func TestRawBlankMatchesDebian(t *testing.T) {
	for _, tt := range []struct {
		file string
		l    Layout
	}{
		{"OVMF_VARS_4M.fd", Layout4M},
		{"OVMF_VARS.fd", Layout2M},
	} {
		t.Run(tt.file, func(t *testing.T) {
			want, err := os.ReadFile(debianOVMF(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			got := rawBytes(t, mustNew(t, Blank, Certs{}), tt.l)
			regions := []struct {
				name     string
				from, to int
			}{
				{"FV header", 0, fvHeaderLen},
				{"variable store header", fvHeaderLen, fvHeaderLen + storeHeaderLen},
				{"variable area", fvHeaderLen + storeHeaderLen, tt.l.StoreEnd},
				{"event log", tt.l.StoreEnd, tt.l.FTWWorking},
				{"FTW working block", tt.l.FTWWorking, tt.l.FTWWorking + tt.l.FTWSize},
				{"FTW spare", tt.l.FTWWorking + tt.l.FTWSize, tt.l.Size},
			}
			if len(got) != len(want) {
				t.Fatalf("len(blank) = %d, Debian's %s has %d", len(got), tt.file, len(want))
			}
			for _, r := range regions {
				if !bytes.Equal(got[r.from:r.to], want[r.from:r.to]) {
					t.Errorf("%s [%#x, %#x) differs from Debian's %s", r.name, r.from, r.to, tt.file)
				}
			}
			if !bytes.Equal(got, want) {
				t.Errorf("blank %s image is not byte-identical to Debian's %s", tt.l.Name, tt.file)
			}
		})
	}
}

// TestRawHeaderConstants checks the documented header values without Debian.
func TestRawHeaderConstants(t *testing.T) {
	img := rawBytes(t, &Store{}, Layout4M)
	if got := binary.LittleEndian.Uint16(img[0x32:]); got != 0xB8AF {
		t.Errorf("FV checksum = %#04x, want 0xb8af", got)
	}
	if got := binary.LittleEndian.Uint32(img[0x41010:]); got != 0x642CAF2C {
		t.Errorf("FTW CRC = %#08x, want 0x642caf2c", got)
	}
	if got := binary.LittleEndian.Uint32(img[0x58:]); got != 0x3FFB8 {
		t.Errorf("store size = %#x, want 0x3ffb8", got)
	}
	img2 := rawBytes(t, &Store{}, Layout2M)
	if got := binary.LittleEndian.Uint16(img2[0x32:]); got != 0xF919 {
		t.Errorf("2M FV checksum = %#04x, want 0xf919", got)
	}
}

// TestParseDebianMS parses Debian's enrolled store and checks the live
// variables and their content against docs/varstore.md §1.7, and that its
// Microsoft 2011 certificates are the ones this package embeds.
func TestParseDebianMS(t *testing.T) {
	for _, file := range []string{"OVMF_VARS_4M.ms.fd", "OVMF_VARS.ms.fd"} {
		t.Run(file, func(t *testing.T) {
			b, err := os.ReadFile(debianOVMF(t, file))
			if err != nil {
				t.Fatal(err)
			}
			s, err := ParseRaw(b)
			if err != nil {
				t.Fatalf("ParseRaw(%s) error = %v", file, err)
			}
			type row struct {
				Name string
				GUID string
				Attr Attr
				Size int
			}
			var got []row
			for _, v := range s.Variables {
				size := len(v.Data)
				if strings.HasPrefix(v.Name, "Attempt ") || strings.HasPrefix(v.Name, "Boot") || strings.HasPrefix(v.Name, "Key") ||
					v.Name == "ConIn" || v.Name == "ConOut" || v.Name == "ErrOut" || v.Name == "Timeout" || v.Name == "PlatformLang" || v.Name == "Lang" {
					size = -1 // firmware noise: presence only
				}
				got = append(got, row{v.Name, FormatGUID(v.GUID), v.Attributes, size})
			}
			slices.SortFunc(got, func(a, b row) int { return strings.Compare(a.Name+a.GUID, b.Name+b.GUID) })
			g, d, sbe, cm, iscsi := "8be4df61-93ca-11d2-aa0d-00e098032b8c", "d719b2cb-3d3a-4596-a3bc-dad00e67656f",
				"f0a30bc7-af08-4556-99c4-001009c93a44", "c076ec0c-7028-4399-a072-71ee5c448b9f", "59324945-ec44-4c0d-b1cd-9db139df070c"
			want := []row{
				{"Attempt 1", iscsi, 3, -1}, {"Attempt 2", iscsi, 3, -1}, {"Attempt 3", iscsi, 3, -1}, {"Attempt 4", iscsi, 3, -1},
				{"Attempt 5", iscsi, 3, -1}, {"Attempt 6", iscsi, 3, -1}, {"Attempt 7", iscsi, 3, -1}, {"Attempt 8", iscsi, 3, -1},
				{"Boot0000", g, 7, -1}, {"Boot0001", g, 7, -1}, {"Boot0002", g, 7, -1},
				{"ConIn", g, 7, -1}, {"ConOut", g, 7, -1}, {"CustomMode", cm, 3, 1}, {"ErrOut", g, 7, -1},
				{"InitialAttemptOrder", "4b47d616-a8d6-4552-9d44-ccad2e0f4cf9", 3, 8},
				{"KEK", g, 0x27, 2565}, {"Key0000", g, 7, -1}, {"Key0001", g, 7, -1}, {"Lang", g, 7, -1},
				{"MTC", "eb704011-1402-11d3-8e77-00a0c969723b", 7, 4},
				{"MemoryTypeInformation", "4c19049f-4137-4dd3-9c10-8b97a83ffdfa", 3, 48},
				{"PK", g, 0x27, 1005}, {"PlatformLang", g, 7, -1}, {"SecureBootEnable", sbe, 3, 1}, {"Timeout", g, 7, -1},
				{"VarErrorFlag", "04b37fe8-f6ae-480b-bdd5-37d98c5e89aa", 7, 1},
				{"VendorKeysNv", "9073e4e0-60ec-4b6e-9903-4c223c260f3c", 0x23, 1},
				{"certdb", "d9bee56e-75dc-49d9-b4d7-b534210f637a", 0x27, 4},
				{"db", d, 0x27, 3143}, {"dbx", d, 0x27, 76},
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ParseRaw(%s) variables mismatch (-want +got):\n%s", file, diff)
			}
			if st := s.SecureBootStatus(); !st.SecureBoot || st.SetupMode {
				t.Errorf("SecureBootStatus() = %+v, want Secure Boot on in user mode", st)
			}
			kek, _ := s.Lookup("KEK", GlobalVariableGUID)
			if diff := cmp.Diff([]string{"OVMF/virt-firmware default owner Debian UEFI Secure Boot (PK/KEK key)", "Microsoft Microsoft Corporation KEK CA 2011"}, entryCNs(t, kek.Data)); diff != "" {
				t.Errorf("KEK entries mismatch (-want +got):\n%s", diff)
			}
			// Debian's db holds the same Microsoft 2011 ESLs New writes.
			db, _ := s.Lookup("db", ImageSecurityDatabaseGUID)
			ours := mustNew(t, Microsoft, throwAway(t))
			ourDB, _ := ours.Lookup("db", ImageSecurityDatabaseGUID)
			if !bytes.HasPrefix(ourDB.Data, db.Data) {
				t.Errorf("Debian's db (%d bytes) is not the prefix of ours (Windows PCA 2011 + UEFI CA 2011 ESLs)", len(db.Data))
			}
			dbx, _ := s.Lookup("dbx", ImageSecurityDatabaseGUID)
			ourDBX, _ := ours.Lookup("dbx", ImageSecurityDatabaseGUID)
			if !bytes.Equal(dbx.Data, ourDBX.Data) {
				t.Errorf("Debian's dbx = %x, ours = %x", dbx.Data, ourDBX.Data)
			}
			if want := (EFITime{Year: 2025, Month: 3, Day: 10, Hour: 2, Minute: 53}); db.Time.Year != want.Year || db.Time.Month != want.Month || db.Time.Day != want.Day || db.Time.Hour != want.Hour || db.Time.Minute != want.Minute {
				t.Errorf("Debian db time = %s, want %s", formatEFITime(db.Time), formatEFITime(want))
			}
		})
	}
}

// corrupt returns a copy of img with f applied.
func corrupt(img []byte, f func(b []byte)) []byte {
	b := bytes.Clone(img)
	f(b)
	return b
}

// fixFVChecksum recomputes the FV header checksum after an edit.
func fixFVChecksum(b []byte) {
	binary.LittleEndian.PutUint16(b[0x32:], 0)
	binary.LittleEndian.PutUint16(b[0x32:], -sum16(b[:fvHeaderLen]))
}

func TestParseRawErrors(t *testing.T) {
	s := mustNew(t, Custom, fixedCerts(t))
	img := rawBytes(t, s, Layout4M)
	first := fvHeaderLen + storeHeaderLen // first record
	tests := []struct {
		name string
		img  []byte
		want string // substring of the error
	}{
		{"empty", nil, "truncated FV header"},
		{"short", img[:0x40], "truncated FV header"},
		{"FV signature", corrupt(img, func(b []byte) { b[0x28] = 'X' }), "bad FV signature"},
		{"FV GUID", corrupt(img, func(b []byte) { b[0x10] ^= 1; fixFVChecksum(b) }), "bad FV file system GUID"},
		{"FV revision", corrupt(img, func(b []byte) { b[0x37] = 1; fixFVChecksum(b) }), "bad FV revision"},
		{"FV checksum", corrupt(img, func(b []byte) { b[0x32] ^= 1 }), "bad FV header checksum"},
		{"FV length", img[:len(img)-0x1000], "does not match image size"},
		{"FV header length", corrupt(img, func(b []byte) { b[0x30] = 0x47; fixFVChecksum(b) }), "bad FV header length"},
		{"block map", corrupt(img, func(b []byte) { b[0x38] = 0x83; fixFVChecksum(b) }), "block map covers"},
		{"store GUID", corrupt(img, func(b []byte) { b[0x48] ^= 1 }), "bad variable store signature"},
		{"store format", corrupt(img, func(b []byte) { b[0x5C] = 0xFF }), "not formatted"},
		{"store state", corrupt(img, func(b []byte) { b[0x5D] = 0xFF }), "not healthy"},
		{"store size", corrupt(img, func(b []byte) { binary.LittleEndian.PutUint32(b[0x58:], 0xFFFFFFF0) }), "runs past the image end"},
		{"FTW signature", corrupt(img, func(b []byte) { b[0x41000] ^= 1 }), "bad FTW working block signature"},
		{"FTW CRC", corrupt(img, func(b []byte) { b[0x41010] ^= 1 }), "bad FTW working block header"},
		{"truncated variable", corrupt(img, func(b []byte) { binary.LittleEndian.PutUint32(b[first+0x28:], 0x40000) }), fmt.Sprintf("truncated variable at offset %#x", first)},
		{"odd name size", corrupt(img, func(b []byte) { binary.LittleEndian.PutUint32(b[first+0x24:], 3) }), "name size 3"},
		{"unterminated name", corrupt(img, func(b []byte) { b[first+authVarHeaderLen+0x14] = 'x' }), "not NUL-terminated"},
		{"garbage after last", corrupt(img, func(b []byte) { b[0x3FFF0] = 0 }), "offset 0x3fff0 after the last variable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseRaw(tt.img)
			if err == nil {
				t.Fatalf("ParseRaw() = %d variables, want an error containing %q", len(got.Variables), tt.want)
			}
			if !errors.Is(err, ErrMalformed) {
				t.Errorf("ParseRaw() error = %v, want errors.Is ErrMalformed", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("ParseRaw() error = %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestParseRawStates(t *testing.T) {
	a := Variable{Name: "A", GUID: GlobalVariableGUID, Attributes: 7, Data: []byte("old")}
	b := Variable{Name: "A", GUID: GlobalVariableGUID, Attributes: 7, Data: []byte("new")}
	c := Variable{Name: "C", GUID: GlobalVariableGUID, Attributes: 7, Data: []byte("c")}
	// build writes records in the given order with the given states.
	build := func(recs []Variable, states []byte) []byte {
		img := rawBytes(t, &Store{}, Layout4M)
		off := fvHeaderLen + storeHeaderLen
		for i, v := range recs {
			r := authRecord(v)
			r[2] = states[i]
			copy(img[off:], r)
			off = alignUp(off+len(r), varAlign)
		}
		return img
	}
	tests := []struct {
		name   string
		recs   []Variable
		states []byte
		want   []Variable
	}{
		{"deleted skipped", []Variable{a, c}, []byte{0x3C, 0x3F}, []Variable{c}},
		{"header only skipped", []Variable{a, c}, []byte{0x7F, 0x3F}, []Variable{c}},
		{"transition superseded", []Variable{a, b}, []byte{0x3E, 0x3F}, []Variable{b}},
		{"transition alone is live", []Variable{a, c}, []byte{0x3E, 0x3F}, []Variable{a, c}},
	}
	if _, err := ParseRaw(build([]Variable{a, b}, []byte{0x3F, 0x3F})); err == nil || !strings.Contains(err.Error(), "live twice") {
		t.Errorf("ParseRaw(two live copies) error = %v, want \"live twice\"", err)
	}
	if _, err := ParseRaw(build([]Variable{a, b}, []byte{0x3E, 0x3E})); err == nil || !strings.Contains(err.Error(), "delete transition twice") {
		t.Errorf("ParseRaw(two copies in transition) error = %v, want \"delete transition twice\"", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseRaw(build(tt.recs, tt.states))
			if err != nil {
				t.Fatalf("ParseRaw() error = %v", err)
			}
			if diff := cmp.Diff(tt.want, got.Variables, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("ParseRaw() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestWriteRawErrors(t *testing.T) {
	big := Variable{Name: "big", GUID: ManxOwnerGUID, Attributes: 0x27, Time: EFITime{Year: 2010, Month: 1, Day: 1}, Data: make([]byte, 0x8400)}
	tests := []struct {
		name string
		s    *Store
		want string
	}{
		{"too big for PcdMaxAuthVariableSize", &Store{Variables: []Variable{big}}, "allows 33792 per variable"},
		{"volatile", &Store{Variables: []Variable{{Name: "v", GUID: ManxOwnerGUID, Attributes: 6}}}, "lack NV"},
		{"empty name", &Store{Variables: []Variable{{GUID: ManxOwnerGUID, Attributes: 7}}}, "empty name"},
		{"duplicate", &Store{Variables: []Variable{{Name: "x", GUID: ManxOwnerGUID, Attributes: 7}, {Name: "x", GUID: ManxOwnerGUID, Attributes: 7}}}, "duplicate"},
		{"time without AT", &Store{Variables: []Variable{{Name: "x", GUID: ManxOwnerGUID, Attributes: 7, Time: EFITime{Year: 2010}}}}, "without the AT"},
		{"digest", &Store{Variables: []Variable{{Name: "x", GUID: ManxOwnerGUID, Attributes: 0x27, Digest: []byte{1}}}}, "digest"},
		{"store full", func() *Store {
			s := &Store{}
			for i := range 10 {
				v := big
				v.Name = fmt.Sprintf("big%d", i)
				v.Data = make([]byte, 0x8000)
				s.Variables = append(s.Variables, v)
			}
			return s
		}(), "does not fit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.s.WriteRaw(new(bytes.Buffer))
			if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("WriteRaw() error = %v, want ErrInvalid containing %q", err, tt.want)
			}
		})
	}
}

func TestReadRawErrors(t *testing.T) {
	img := rawBytes(t, &Store{}, Layout4M)
	if _, err := ReadRaw(bytes.NewReader(img[:100]), int64(len(img))); err == nil {
		t.Errorf("ReadRaw(short reader) error = nil, want a read error")
	}
	if _, err := ReadRaw(bytes.NewReader(img), 1<<40); !errors.Is(err, ErrMalformed) {
		t.Errorf("ReadRaw(size 1 TiB) error = %v, want ErrMalformed", err)
	}
}
