package varstore

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// fuzzLayout is a 12 KiB layout so that raw seeds stay small; ParseRaw
// accepts any layout whose FvLength is the image size.
var fuzzLayout = Layout{Name: "fuzz", Size: 0x3000, StoreEnd: 0x1800, FTWWorking: 0x2000, FTWSize: 0x1000, MaxVariableSize: 0x1000, MaxAuthVariableSize: 0x1000}

func FuzzParseRaw(f *testing.F) {
	f.Add([]byte{})
	f.Add(rawBytes(f, &Store{}, fuzzLayout))
	f.Add(rawBytes(f, mustNew(f, Custom, fixedCerts(f)), fuzzLayout))
	small := &Store{Variables: []Variable{
		{Name: "A", GUID: GlobalVariableGUID, Attributes: 7, Data: []byte("x")},
		{Name: "Bé", GUID: ManxOwnerGUID, Attributes: 0x27, Time: EFITime{Year: 2010, Month: 1, Day: 1}, Data: []byte{}},
	}}
	f.Add(rawBytes(f, small, fuzzLayout))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseRaw(b)
		if err != nil {
			return
		}
		// Whatever parses re-serialises to the same variables (when valid).
		var w bytes.Buffer
		if err := s.WriteRawLayout(&w, fuzzLayout); err != nil {
			return
		}
		again, err := ParseRaw(w.Bytes())
		if err != nil {
			t.Fatalf("ParseRaw(WriteRaw(ParseRaw(b))) error = %v", err)
		}
		if diff := cmp.Diff(s.sorted(), again.Variables, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("raw re-serialisation changed the store (-first +second):\n%s", diff)
		}
	})
}

func FuzzParseJSON(f *testing.F) {
	for _, k := range Kinds {
		if b, err := os.ReadFile(filepath.Join("testdata", FileName(k, JSON))); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(``))
	f.Add([]byte(`{"version":2,"variables":[{"guid":"8be4df61-93ca-11d2-aa0d-00e098032b8c","name":"PK","attr":39,"data":"a159","time":"da070101000000000000000000000000","digest":"00"}]}`))
	f.Add([]byte(`{"version":2,"variables":[{"guid":"8BE4DF61-93CA-11D2-AA0D-00E098032B8C","name":"x","attr":7,"data":""}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseJSON(b)
		if err != nil {
			return
		}
		var w bytes.Buffer
		if err := s.WriteJSON(&w); err != nil {
			return
		}
		again, err := ParseJSON(w.Bytes())
		if err != nil {
			t.Fatalf("ParseJSON(WriteJSON(ParseJSON(b))) error = %v\n%s", err, w.Bytes())
		}
		if diff := cmp.Diff(s.sorted(), again.Variables, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("JSON re-serialisation changed the store (-first +second):\n%s", diff)
		}
	})
}
