package varstore

import (
	"encoding/hex"
	"testing"
)

func TestGUIDText(t *testing.T) {
	tests := []struct {
		name string
		g    GUID
		want string
	}{
		{"Manx", ManxOwnerGUID, "9d882462-a0bb-4b34-9131-4d036423bb72"},
		{"Microsoft", MicrosoftOwnerGUID, "77fa9abd-0359-4d32-bd60-28f4e78f784b"},
		{"placeholder dbx", PlaceholderDBXOwnerGUID, "a0baa8a3-041d-48a8-bc87-c36d121b5e3d"},
		{"global", GlobalVariableGUID, "8be4df61-93ca-11d2-aa0d-00e098032b8c"},
		{"image security db", ImageSecurityDatabaseGUID, "d719b2cb-3d3a-4596-a3bc-dad00e67656f"},
		{"SecureBootEnable", SecureBootEnableGUID, "f0a30bc7-af08-4556-99c4-001009c93a44"},
		{"CustomMode", CustomModeGUID, "c076ec0c-7028-4399-a072-71ee5c448b9f"},
		{"certdb", CertDBGUID, "d9bee56e-75dc-49d9-b4d7-b534210f637a"},
		{"VendorKeysNv", VendorKeysNvGUID, "9073e4e0-60ec-4b6e-9903-4c223c260f3c"},
		{"SystemNvData", SystemNvDataFvGUID, "fff12b8d-7696-4c8b-a985-2747075b4f50"},
		{"auth variable", AuthenticatedVariableGUID, "aaf32c78-947b-439a-a180-2e144ec37792"},
		{"variable", VariableGUID, "ddcf3616-3275-4164-98b6-fe85707ffe7d"},
		{"FTW working block", WorkingBlockSignatureGUID, "9e58292b-7c68-497d-a0ce-6500fd9f1b95"},
		{"X509", CertX509GUID, "a5c059a1-94e4-4aa7-87b5-ab155c2bf072"},
		{"SHA256", CertSHA256GUID, "c1c41626-504c-4092-aca9-41f936934328"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FormatGUID(tt.g); got != tt.want {
				t.Errorf("FormatGUID(%s) = %s, want %s", tt.name, got, tt.want)
			}
			got, err := ParseGUID(tt.want)
			if err != nil || got != tt.g {
				t.Errorf("ParseGUID(%s) = %v, %v, want %v", tt.want, got, err, tt.g)
			}
		})
	}
}

func TestGUIDOnDisk(t *testing.T) {
	// docs/varstore.md §1.2: gEfiSystemNvDataFvGuid is stored as 8d2bf1ff 9676 8b4c a985 2747075b4f50.
	want := "8d2bf1ff96768b4ca9852747075b4f50"
	b := make([]byte, 16)
	putGUID(b, SystemNvDataFvGUID)
	if got := hex.EncodeToString(b); got != want {
		t.Errorf("putGUID(SystemNvData) = %s, want %s", got, want)
	}
	if got := getGUID(b); got != SystemNvDataFvGUID {
		t.Errorf("getGUID(%s) = %s, want %s", want, FormatGUID(got), FormatGUID(SystemNvDataFvGUID))
	}
}

func TestParseGUIDErrors(t *testing.T) {
	for _, s := range []string{
		"",
		"8be4df61-93ca-11d2-aa0d-00e098032b8",
		"8be4df61-93ca-11d2-aa0d-00e098032b8cc",
		"8be4df6193ca-11d2-aa0d-00e098032b8c0",
		"8be4df61-93ca-11d2-aa0d-00e098032bxc",
		"{be4df61-93ca-11d2-aa0d-00e098032b8c",
	} {
		if g, err := ParseGUID(s); err == nil {
			t.Errorf("ParseGUID(%q) = %s, want an error", s, FormatGUID(g))
		}
	}
	if g, err := ParseGUID("8BE4DF61-93CA-11D2-AA0D-00E098032B8C"); err != nil || g != GlobalVariableGUID {
		t.Errorf("ParseGUID(upper case) = %s, %v, want %s", FormatGUID(g), err, FormatGUID(GlobalVariableGUID))
	}
}
