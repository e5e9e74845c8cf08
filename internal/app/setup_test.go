package app

import (
	"path/filepath"
	"testing"

	"manx/internal/buildenv"
	"manx/internal/pins"
)

// TestVersionsFresh: the committed VERSIONS.md is what `mage versions`
// renders from pins.json, go.mod and the toolchain package list (mage test
// checks the same, this catches it in go test).
func TestVersionsFresh(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	pl, err := pins.Load(filepath.Join(root, pins.File))
	if err != nil {
		t.Fatal(err)
	}
	a := &App{Env: &buildenv.Env{Root: root}, Pins: pl}
	if err := a.CheckVersions(); err != nil {
		t.Errorf("VERSIONS.md is stale (run `go run mage.go versions`): %v", err)
	}
}
