package manifest

import (
	"bytes"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// FuzzParse: Parse never panics, and whatever it accepts marshals, parses
// back to the same manifest, and marshals to the same bytes again.
func FuzzParse(f *testing.F) {
	g, err := os.ReadFile(golden)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(g)
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"schema":2,"arch":"x86_64","source_date_epoch":0,"version":"dev","toolchain":"host",` +
		`"artefacts":[{"name":"a","path":"a","sha256":"` + sum("a") + `","size":1}]}`))
	f.Add([]byte(`{"schema":2,"schema":2}`))
	f.Add([]byte(`{"artefacts":[{"pins":[{"x":1}]}]}`))
	f.Add([]byte(`[[[[[[[[[[[[]]]]]]]]]]]]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Parse(b)
		if err != nil {
			return
		}
		out, err := Marshal(*m)
		if err != nil {
			t.Fatalf("Marshal(Parse(b)) error = %v", err)
		}
		again, err := Parse(out)
		if err != nil {
			t.Fatalf("Parse(Marshal(Parse(b))) error = %v\n%s", err, out)
		}
		if diff := cmp.Diff(m, again, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("Parse(Marshal(m)) != m (-m +again):\n%s", diff)
		}
		out2, err := Marshal(*again)
		if err != nil || !bytes.Equal(out, out2) {
			t.Fatalf("Marshal is not stable: %v\n%s\n%s", err, out, out2)
		}
	})
}
