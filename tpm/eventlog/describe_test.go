package eventlog

import (
	"bytes"
	"path/filepath"
	"testing"

	"manx/internal/testutil"
)

func TestDescribe(t *testing.T) {
	var b bytes.Buffer
	if err := Describe(&b, testLog(t)); err != nil {
		t.Fatal(err)
	}
	testutil.Golden(t, filepath.Join("testdata", "describe.golden"), b.Bytes())
}
