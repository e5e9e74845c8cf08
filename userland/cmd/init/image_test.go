package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFailedUpdates(t *testing.T) {
	esp := t.TempDir()
	dir := filepath.Join(esp, "EFI", "Linux")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"manx_2.efi", "manx_3+0-3.efi", "manx_4+1-2.efi", "manx_1+0-3.efi", "other+0.efi", "notes.txt"} {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := failedUpdates(esp, 2)
	if err != nil {
		t.Fatal(err)
	}
	// manx_1 is older than the running 2 (not an update), manx_4 still has
	// a try, other+0 is not Manx's.
	if diff := cmp.Diff([]string{`\EFI\Linux\manx_3+0-3.efi`}, got); diff != "" {
		t.Errorf("failedUpdates (-want +got):\n%s", diff)
	}
}
