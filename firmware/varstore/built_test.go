//go:build oracle

package varstore_test

import (
	"bytes"
	"os"
	"testing"

	"manx/catalog"
	"manx/internal/testutil"
)

// TestBuiltBlankStore compares the pure-Go blank variable store with the
// empty VARS template EDK II itself builds for the pflash variant: two
// independent writers of one format must agree byte for byte.
func TestBuiltBlankStore(t *testing.T) {
	env := testutil.BuildEnv(t)
	blank, err := catalog.VarStore("blank", "fd")
	if err != nil {
		t.Fatal(err)
	}
	ours, err := os.ReadFile(testutil.Built(t, blank.In(env.BuildDir)))
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := os.ReadFile(testutil.Built(t, catalog.OVMFPflashVars.In(env.BuildDir)))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ours, tmpl) {
		t.Errorf("%s differs from the template EDK II built, %s", blank.Path, catalog.OVMFPflashVars.Path)
	}
	t.Log("summary: our blank raw store == the VARS template our OVMF build emits")
}
