package varstore

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"manx/internal/testutil"
)

func TestDescribeGolden(t *testing.T) {
	c := fixedCerts(t)
	for _, k := range Kinds {
		t.Run(k.String(), func(t *testing.T) {
			var b bytes.Buffer
			if err := Describe(&b, mustNew(t, k, c)); err != nil {
				t.Fatalf("Describe() error = %v", err)
			}
			testutil.Golden(t, filepath.Join("testdata", "describe_"+k.String()+".golden"), b.Bytes())
		})
	}
}

func TestDescribeContents(t *testing.T) {
	var b bytes.Buffer
	if err := Describe(&b, mustNew(t, Microsoft, fixedCerts(t))); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"6 variables; user mode (PK present), SetupMode=0, SecureBootEnable=1, SecureBoot=1",
		"attr  0x27 NV|BS|RT|AT",
		"time  2010-01-01 00:00:00",
		"subject CN=Microsoft Option ROM UEFI CA 2023,O=Microsoft Corporation,C=US",
		"owner 77fa9abd-0359-4d32-bd60-28f4e78f784b (Microsoft)",
		"sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
		"subject CN=Manx varstore test PK01",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("Describe(ms) lacks %q", want)
		}
	}
}

// TestDescribeDebian prints Debian's enrolled store (firmware noise
// included) without error: a smoke test for the inspect target.
func TestDescribeDebian(t *testing.T) {
	img, err := os.ReadFile(debianOVMF(t, "OVMF_VARS_4M.ms.fd"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := ParseRaw(img)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := Describe(&b, s); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Debian UEFI Secure Boot (PK/KEK key)", "Boot0000", "SecureBoot=1"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("Describe(Debian ms) lacks %q", want)
		}
	}
}

func TestDescribeMalformedESL(t *testing.T) {
	s := &Store{Variables: []Variable{{Name: "db", GUID: ImageSecurityDatabaseGUID, Attributes: 0x27, Data: []byte{1, 2, 3}}}}
	var b bytes.Buffer
	if err := Describe(&b, s); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "malformed signature lists") {
		t.Errorf("Describe(bad db) = %q, want a malformed-list note", b.String())
	}
}
