package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestNotFailedBefore(t *testing.T) {
	esp := t.TempDir()
	dir := filepath.Join(esp, "EFI", "Linux")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"manx_2.efi", "manx_3+0-3.efi", "manx_4+1-2.efi"} {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := notFailedBefore(esp, 3); err == nil || !strings.Contains(err.Error(), `version 3 failed before (\EFI\Linux\manx_3+0-3.efi`) {
		t.Errorf("notFailedBefore(3) = %v, want the exhausted entry named", err)
	}
	for _, v := range []uint64{4, 5} {
		if err := notFailedBefore(esp, v); err != nil {
			t.Errorf("notFailedBefore(%d) = %v", v, err)
		}
	}
}
