package mscerts

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"path"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestAll(t *testing.T) {
	all, err := All()
	if err != nil {
		t.Fatalf("All() error = %v", err)
	}
	var names []string
	for _, c := range all {
		names = append(names, c.Name)
	}
	// Enrolment order; a change here changes every ms store.
	want := []string{"MS_KEK_2011", "MS_KEK_2023", "MS_WIN_2011", "MS_3RD_2011", "MS_WIN_2023", "MS_3RD_2023", "MS_ROM_2023"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("All() names mismatch (-want +got):\n%s", diff)
	}
	for _, c := range all {
		sum := sha256.Sum256(c.Certificate.Raw)
		if got := hex.EncodeToString(sum[:]); got != c.DERSHA256 {
			t.Errorf("%s: sha256(DER) = %s, want %s", c.Name, got, c.DERSHA256)
		}
		if c.Certificate.Subject.Organization[0] != "Microsoft Corporation" {
			t.Errorf("%s: O = %q, want Microsoft Corporation", c.Name, c.Certificate.Subject.Organization)
		}
	}
}

func TestKEKAndDB(t *testing.T) {
	tests := []struct {
		name string
		f    func() ([]string, error)
		want []string
	}{
		{"KEK", cns(KEK), []string{"Microsoft Corporation KEK CA 2011", "Microsoft Corporation KEK 2K CA 2023"}},
		{"DB", cns(DB), []string{
			"Microsoft Windows Production PCA 2011",
			"Microsoft Corporation UEFI CA 2011",
			"Windows UEFI CA 2023",
			"Microsoft UEFI CA 2023",
			"Microsoft Option ROM UEFI CA 2023",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.f()
			if err != nil {
				t.Fatalf("%s() error = %v", tt.name, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s() common names mismatch (-want +got):\n%s", tt.name, diff)
			}
		})
	}
}

func cns(f func() ([]*x509.Certificate, error)) func() ([]string, error) {
	return func() ([]string, error) {
		cs, err := f()
		if err != nil {
			return nil, err
		}
		var out []string
		for _, c := range cs {
			out = append(out, c.Subject.CommonName)
		}
		return out, nil
	}
}

// TestProvenanceComplete checks that provenance.json and the embedded files
// match one to one and that the recorded validity matches each certificate.
func TestProvenanceComplete(t *testing.T) {
	raw, err := files.ReadFile("provenance.json")
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		Package struct {
			DebSHA256 string `json:"deb_sha256"`
			PoolPath  string `json:"pool_path"`
		} `json:"package"`
		Certificates []struct {
			File          string `json:"file"`
			PathInPackage string `json:"path_in_package"`
			NotBefore     string `json:"not_before"`
			NotAfter      string `json:"not_after"`
		} `json:"certificates"`
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Package.DebSHA256) != 64 || p.Package.PoolPath == "" {
		t.Errorf("provenance package = %+v, want pool path and a sha256", p.Package)
	}
	pems, err := fs.Glob(files, "*.pem")
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for _, c := range p.Certificates {
		listed = append(listed, c.File)
		if path.Base(c.PathInPackage) != c.File {
			t.Errorf("%s: path_in_package %q has another base name", c.File, c.PathInPackage)
		}
	}
	if diff := cmp.Diff(pems, slices.Sorted(slices.Values(listed))); diff != "" {
		t.Errorf("embedded *.pem vs provenance.json files (-embedded +listed):\n%s", diff)
	}
	all, err := All()
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range all {
		nb, err1 := time.Parse(time.RFC3339, p.Certificates[i].NotBefore)
		na, err2 := time.Parse(time.RFC3339, p.Certificates[i].NotAfter)
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: bad validity in provenance: %v %v", c.File, err1, err2)
		}
		if !nb.Equal(c.Certificate.NotBefore) || !na.Equal(c.Certificate.NotAfter) {
			t.Errorf("%s: validity = %v..%v, provenance says %v..%v", c.File, c.Certificate.NotBefore, c.Certificate.NotAfter, nb, na)
		}
	}
}
