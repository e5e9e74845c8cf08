package app

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"manx/firmware/varstore"
)

// InspectVars parses and describes every store in build/varstore.
func (a *App) InspectVars() error {
	files, _ := filepath.Glob(a.Env.Path(VarStoreDir, "OVMF_VARS_*"))
	sort.Strings(files)
	if len(files) == 0 {
		return fmt.Errorf("no variable stores under %s: run `go run mage.go build:varStore`", a.Env.Path(VarStoreDir))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		var s *varstore.Store
		if strings.HasSuffix(f, ".json") {
			s, err = varstore.ParseJSON(b)
		} else {
			s, err = varstore.ParseRaw(b)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		fmt.Printf("== %s\n", f)
		if err := varstore.Describe(os.Stdout, s); err != nil {
			return err
		}
	}
	return nil
}
