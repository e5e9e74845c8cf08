package ovmf

import "testing"

func TestGUIDString(t *testing.T) {
	for _, tc := range []struct {
		g          GUID
		want, name string
	}{
		{GUIDFooter, "96b582de-1fb2-45f7-baea-a366c55a082d", "footer"},
		{GUIDSEVMetadata, "dc886566-984a-4798-a75e-5585a7bf67cc", "SEV metadata offset"},
		{GUIDSEVHashTable, "7255371f-3a3b-4b04-927b-1da6efa8d454", "SEV hash table"},
		{GUIDSEVESResetBlock, "00f771de-1a7e-4fcb-890e-68c77e2fb44e", "SEV-ES reset block"},
		{GUIDSEVSecretBlock, "4c2eb361-7d9b-4cc3-8081-127c90d3d294", "SEV secret block"},
		{GUIDTDXMetadata, "e47a6535-984a-4798-865e-4685a7bf8ec2", "TDX metadata offset"},
		{GUIDIGVMMetadata, "784fa70e-3176-4677-8a20-04b68699e374", "IGVM metadata offset"},
		{GUID{0: 1, 15: 0xff}, "00000001-0000-0000-0000-0000000000ff", ""},
	} {
		if got := tc.g.String(); got != tc.want {
			t.Errorf("GUID(% x).String() = %q, want %q", tc.g[:], got, tc.want)
		}
		if got := tc.g.Name(); got != tc.name {
			t.Errorf("GUID(%s).Name() = %q, want %q", tc.want, got, tc.name)
		}
	}
}
