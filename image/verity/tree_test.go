package verity

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// testData is n blocks of bs bytes that differ from each other.
func testData(n, bs int) []byte {
	b := make([]byte, 0, n*bs)
	for i := 0; len(b) < n*bs; i++ {
		s := sha256.Sum256(fmt.Appendf(nil, "verity test block %d", i))
		b = append(b, s[:]...)
	}
	return b[:n*bs]
}

var testUUID = [16]byte{0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0x42, 0x34, 0x92, 0x34, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc}

func uuidString(u [16]byte) string {
	h := hex.EncodeToString(u[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

var rootHashLine = regexp.MustCompile(`(?m)^Root hash:\s+([0-9a-f]+)$`)

// veritysetup runs the oracle; setup installs it (cryptsetup-bin), so its
// absence is a failure.
func veritysetup(t *testing.T, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath("veritysetup"); err != nil {
		t.Fatal("veritysetup not installed (go run mage.go setup installs cryptsetup-bin): the oracle is required")
	}
	out, err := exec.Command("veritysetup", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("veritysetup %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestFormatMatchesVeritysetup: for trees of 0 to 3 levels, Format writes
// the same hash device and root hash as veritysetup format with the same
// salt and UUID, and veritysetup verify accepts the data with it.
func TestFormatMatchesVeritysetup(t *testing.T) {
	tests := []struct {
		blocks     int
		dbs, hbs   uint32
		salt       string
		wantLevels int
	}{
		{blocks: 1, dbs: 4096, hbs: 4096, salt: "00", wantLevels: 0},
		{blocks: 2, dbs: 4096, hbs: 4096, salt: "5a17", wantLevels: 1},
		{blocks: 128, dbs: 4096, hbs: 4096, salt: strings.Repeat("ab", 32), wantLevels: 1},
		{blocks: 129, dbs: 4096, hbs: 4096, salt: strings.Repeat("cd", 32), wantLevels: 2},
		{blocks: 300, dbs: 512, hbs: 512, salt: strings.Repeat("ef", 32), wantLevels: 3},
		{blocks: 257, dbs: 4096, hbs: 512, salt: strings.Repeat("01", 256), wantLevels: 3},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%dx%d-hash%d", tc.blocks, tc.dbs, tc.hbs), func(t *testing.T) {
			dir := t.TempDir()
			data := testData(tc.blocks, int(tc.dbs))
			dataPath := filepath.Join(dir, "data")
			if err := os.WriteFile(dataPath, data, 0o600); err != nil {
				t.Fatal(err)
			}
			salt, _ := hex.DecodeString(tc.salt)
			tree, err := Format(bytes.NewReader(data), int64(len(data)), Params{Salt: salt, UUID: testUUID, DataBlockSize: tc.dbs, HashBlockSize: tc.hbs})
			if err != nil {
				t.Fatal(err)
			}
			if got := Levels(uint64(tc.blocks), tc.hbs); got != tc.wantLevels {
				t.Errorf("Levels = %d, want %d", got, tc.wantLevels)
			}
			refPath := filepath.Join(dir, "hash.ref")
			out := veritysetup(t, "format", dataPath, refPath, "--salt="+tc.salt, "--uuid="+uuidString(testUUID),
				fmt.Sprintf("--data-block-size=%d", tc.dbs), fmt.Sprintf("--hash-block-size=%d", tc.hbs))
			m := rootHashLine.FindStringSubmatch(out)
			if m == nil {
				t.Fatalf("no root hash in veritysetup's output:\n%s", out)
			}
			if got := hex.EncodeToString(tree.RootHash); got != m[1] {
				t.Errorf("root hash %s, veritysetup %s", got, m[1])
			}
			ref, err := os.ReadFile(refPath)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(tree.Device, ref) {
				t.Errorf("hash device differs from veritysetup's (%d vs %d bytes; first difference at %d)", len(tree.Device), len(ref), firstDiff(tree.Device, ref))
			}
			ourPath := filepath.Join(dir, "hash.ours")
			if err := os.WriteFile(ourPath, tree.Device, 0o600); err != nil {
				t.Fatal(err)
			}
			veritysetup(t, "verify", dataPath, ourPath, hex.EncodeToString(tree.RootHash))
			sb, err := ParseSuperblock(tree.Device)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tree.Superblock, sb); diff != "" {
				t.Errorf("ParseSuperblock(Marshal) (-wrote +parsed):\n%s", diff)
			}
		})
	}
}

// TestTamperedDataRefused: veritysetup verify refuses data with one byte
// flipped against the tree of the original.
func TestTamperedDataRefused(t *testing.T) {
	dir := t.TempDir()
	data := testData(200, 4096)
	tree, err := Format(bytes.NewReader(data), int64(len(data)), Params{Salt: []byte{1}, UUID: testUUID})
	if err != nil {
		t.Fatal(err)
	}
	data[150*4096+7] ^= 1
	dataPath, hashPath := filepath.Join(dir, "data"), filepath.Join(dir, "hash")
	if err := os.WriteFile(dataPath, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(hashPath, tree.Device, 0o600); err != nil {
		t.Fatal(err)
	}
	veritysetup(t, "--version")
	out, err := exec.Command("veritysetup", "verify", dataPath, hashPath, hex.EncodeToString(tree.RootHash)).CombinedOutput()
	if err == nil {
		t.Fatalf("veritysetup verify accepted tampered data:\n%s", out)
	}
	if !strings.Contains(string(out), "Verification failed") {
		t.Errorf("veritysetup verify output lacks \"Verification failed\":\n%s", out)
	}
}

// TestFormatReproducible: the same data and parameters give the same bytes.
func TestFormatReproducible(t *testing.T) {
	data := testData(130, 4096)
	var devs [][]byte
	for range 2 {
		tree, err := Format(bytes.NewReader(data), int64(len(data)), Params{Salt: []byte("salt"), UUID: testUUID})
		if err != nil {
			t.Fatal(err)
		}
		devs = append(devs, tree.Device)
	}
	if !bytes.Equal(devs[0], devs[1]) {
		t.Fatal("two Formats of the same data differ")
	}
}

func TestFormatRefuses(t *testing.T) {
	data := testData(2, 4096)
	tests := map[string]struct {
		size int64
		p    Params
	}{
		"empty":            {0, Params{}},
		"partial block":    {4000, Params{}},
		"salt too long":    {8192, Params{Salt: make([]byte, 257)}},
		"odd block size":   {8192, Params{DataBlockSize: 3000}},
		"tiny hash blocks": {8192, Params{HashBlockSize: 256}},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := Format(bytes.NewReader(data), tc.size, tc.p); err == nil {
				t.Error("Format = nil error")
			}
		})
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
