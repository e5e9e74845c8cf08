package pcr

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"manx/firmware/varstore"
	"manx/internal/testutil"
	"manx/tpm/eventlog"
)

// TestPredictGolden: the whole prediction for testSpec's (unsigned) UKI
// on a blank store, for two banks. Every input is pinned (the stub from
// systemd-boot-efi 254.26), so the golden file is stable.
func TestPredictGolden(t *testing.T) {
	banks := []eventlog.Alg{eventlog.SHA256, eventlog.SHA1}
	u, err := ReadUKI(assemble(t, testSpec(t)), banks...)
	if err != nil {
		t.Fatal(err)
	}
	in := Inputs{UKI: u, Vars: &varstore.Store{}, Phases: []string{"enter-initrd", "ready"}, Banks: banks}
	p, err := Predict(in)
	if err != nil {
		t.Fatalf("Predict() = %v", err)
	}
	var b bytes.Buffer
	if err := p.WriteValues(&b, banks...); err != nil {
		t.Fatal(err)
	}
	b.WriteString("\n")
	if err := p.Describe(&b); err != nil {
		t.Fatal(err)
	}
	for i, f := range []func(*bytes.Buffer, Inputs) error{
		func(w *bytes.Buffer, in Inputs) error { return Describe4(w, in) },
		func(w *bytes.Buffer, in Inputs) error { return Describe7(w, in) },
		func(w *bytes.Buffer, in Inputs) error { return Describe9(w, in) },
		func(w *bytes.Buffer, in Inputs) error { return Describe11(w, in) },
	} {
		var one bytes.Buffer
		if err := f(&one, in); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), one.String()) {
			t.Errorf("Describe%d output is not part of Prediction.Describe:\n%s", PCRs[i], one.String())
		}
	}
	testutil.Golden(t, filepath.Join("testdata", "predict_blank.golden"), b.Bytes())
	// The values are the replay of the events.
	if lines := strings.Count(b.String(), "\npcr"); lines < 8 {
		t.Errorf("WriteValues wrote too few lines:\n%s", b.String())
	}
}

func TestPredictSecureBoot(t *testing.T) {
	b := signedUKI(t)
	u, err := ReadUKI(b)
	if err != nil {
		t.Fatal(err)
	}
	store := customStore(t)
	db, _ := store.Lookup(varstore.NameDB, varstore.ImageSecurityDatabaseGUID)
	auth, err := FindAuthority(b, db.Data)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Predict(Inputs{UKI: u, Vars: store, Authority: auth})
	if err != nil {
		t.Fatalf("Predict() = %v", err)
	}
	count := map[int]int{}
	for _, e := range p.Events {
		count[e.PCR]++
	}
	// PCR 4: action, separator, UKI; PCR 7: 5 variables, separator,
	// authority; PCR 9: options, initrd; PCR 11: 6 sections × 2.
	if want := map[int]int{4: 3, 7: 7, 9: 2, 11: 12}; !equalCounts(count, want) {
		t.Errorf("events per PCR = %v, want %v", count, want)
	}
}

func equalCounts(a, b map[int]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
