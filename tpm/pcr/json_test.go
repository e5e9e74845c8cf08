package pcr

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"manx/tpm/eventlog"
)

func TestUKISummaryJSON(t *testing.T) {
	u, err := ReadUKI(assemble(t, testSpec(t)), eventlog.SHA256, eventlog.SHA384)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.MarshalIndent(u, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"sha384": "`) {
		t.Errorf("summary does not name banks:\n%s", b)
	}
	p := filepath.Join(t.TempDir(), "uki.json")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := ReadUKISummary(p)
	if err != nil {
		t.Fatalf("ReadUKISummary() = %v", err)
	}
	if diff := cmp.Diff(u, got); diff != "" {
		t.Errorf("summary round trip (-want +got):\n%s", diff)
	}
	for _, bad := range []string{`{"authenticode": {"md5": "00"}}`, `{"authenticode": {"sha256": "00"}}`, `{"sections": 1}`} {
		if err := os.WriteFile(p, []byte(bad), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadUKISummary(p); err == nil {
			t.Errorf("ReadUKISummary(%s) = nil error", bad)
		}
	}
}
