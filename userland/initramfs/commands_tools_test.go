package initramfs

import (
	"os"
	"strings"
	"testing"
)

// TestToolsListsEveryCommand keeps tools.go (which makes `go mod tidy` keep
// the commands' dependencies) in sync with the command lists.
func TestToolsListsEveryCommand(t *testing.T) {
	b, err := os.ReadFile("tools.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range append(append([]string(nil), BusyboxCommands...), BinaryCommands...) {
		if !strings.HasPrefix(c, "github.com/") {
			continue
		}
		if !strings.Contains(string(b), `_ "`+c+`"`) {
			t.Errorf("tools.go does not import %s", c)
		}
	}
}
