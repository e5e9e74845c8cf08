package ospkg

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"manx/internal/testutil"
	"manx/sign"
)

func TestSignReproducible(t *testing.T) {
	h := newHierarchy(t)
	zip := packed(t, testContents())
	var out [][]byte
	for range 2 {
		d, err := Sign(zip, "http://10.0.2.2:8080/manx.zip", testRelease, []sign.Signer{h.signer1, h.signer2})
		if err != nil {
			t.Fatalf("Sign() = %v", err)
		}
		b, err := d.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	if !bytes.Equal(out[0], out[1]) {
		t.Fatalf("Sign()+Marshal() twice differ:\n%s\n%s", out[0], out[1])
	}
	// Field names and encodings are System Transparency's.
	var m map[string]json.RawMessage
	if err := json.Unmarshal(out[0], &m); err != nil {
		t.Fatal(err)
	}
	keys := slices.Sorted(maps.Keys(m))
	want := []string{"certificates", "label", "not_after", "os_pkg_sha256", "os_pkg_url", "pkg_version", "signatures", "version"}
	if diff := cmp.Diff(want, keys); diff != "" {
		t.Errorf("descriptor keys (-want +got):\n%s", diff)
	}
	var certs []string
	if err := json.Unmarshal(m["certificates"], &certs); err != nil {
		t.Fatal(err)
	}
	pemText, err := base64.StdEncoding.DecodeString(certs[0])
	if err != nil || !strings.HasPrefix(string(pemText), "-----BEGIN CERTIFICATE-----") {
		t.Errorf("certificates[0] = base64 of %.30q (err %v), want base64 of PEM", pemText, err)
	}
}

func TestSignErrors(t *testing.T) {
	h := newHierarchy(t)
	zip := packed(t, testContents())
	tests := []struct {
		name    string
		url     string
		signers []sign.Signer
		want    string
	}{
		{"no signers", "http://h/p.zip", nil, "no signers"},
		{"RSA signer", "http://h/p.zip", []sign.Signer{testutil.RSACert(t, "RSA")}, "want Ed25519"},
		{"same key twice", "http://h/p.zip", []sign.Signer{h.signer1, h.signer1}, "same key"},
		{"ftp URL", "ftp://h/p.zip", []sign.Signer{h.signer1}, `scheme "ftp"`},
		{"no host", "http:///p.zip", []sign.Signer{h.signer1}, "no host"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Sign(zip, tt.url, testRelease, tt.signers)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Sign(%s) = %v, want error containing %q", tt.name, err, tt.want)
			}
		})
	}
}

// validDescriptor returns a signed descriptor's JSON as a generic map for
// the parse table to mutate.
func validDescriptor(t *testing.T) map[string]any {
	t.Helper()
	h := newHierarchy(t)
	d, err := Sign(packed(t, testContents()), "manx.zip", testRelease, []sign.Signer{h.signer1})
	if err != nil {
		t.Fatal(err)
	}
	b, err := d.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestParseDescriptor(t *testing.T) {
	h := newHierarchy(t)
	derCert := base64.StdEncoding.EncodeToString(h.signer1.Certificate().Raw)
	tests := []struct {
		name   string
		mutate func(m map[string]any)
		raw    string // used instead of the mutated map when set
		want   string // "" means success
	}{
		{name: "valid", mutate: func(map[string]any) {}},
		{name: "DER certificate", mutate: func(m map[string]any) { m["certificates"] = []any{derCert} }},
		{name: "absolute URL", mutate: func(m map[string]any) { m["os_pkg_url"] = "https://example.org/x.zip" }},
		{name: "no URL", mutate: func(m map[string]any) { delete(m, "os_pkg_url") }},
		{name: "unknown field ignored", mutate: func(m map[string]any) { m["sigsum"] = 1 }},
		{name: "not_after", mutate: func(m map[string]any) { m["not_after"] = "2027-01-02T03:04:05Z" }},
		{name: "no not_after", mutate: func(m map[string]any) { delete(m, "not_after") }},
		{name: "largest pkg_version", mutate: func(m map[string]any) { m["pkg_version"] = json.Number("18446744073709551615") }},
		{name: "version 1", mutate: func(m map[string]any) { m["version"] = 1 },
			want: "ospkg: descriptor format version 1 (a signed hash: no package version or expiry) is no longer accepted; re-sign it as version 2"},
		{name: "version 3", mutate: func(m map[string]any) { m["version"] = 3 }, want: "version 3, want 2"},
		{name: "no digest (System Transparency)", mutate: func(m map[string]any) { delete(m, "os_pkg_sha256") }, want: `os_pkg_sha256 "" is not 64 lower-case hex digits`},
		{name: "no pkg_version", mutate: func(m map[string]any) { delete(m, "pkg_version") }, want: "pkg_version 0, want >= 1"},
		{name: "negative pkg_version", mutate: func(m map[string]any) { m["pkg_version"] = -1 }, want: "parsing descriptor"},
		{name: "pkg_version overflow", mutate: func(m map[string]any) { m["pkg_version"] = json.Number("18446744073709551616") }, want: "parsing descriptor"},
		{name: "no label", mutate: func(m map[string]any) { delete(m, "label") }, want: "no label"},
		{name: "label with newline", mutate: func(m map[string]any) { m["label"] = "Manx\npkg_version=99" }, want: "non-printable U+000A"},
		{name: "label too long", mutate: func(m map[string]any) { m["label"] = strings.Repeat("x", MaxLabelSize+1) }, want: "label is 129 bytes, limit 128"},
		{name: "not_after with offset", mutate: func(m map[string]any) { m["not_after"] = "2027-01-02T04:04:05+01:00" }, want: "not RFC 3339 UTC with whole seconds"},
		{name: "not_after with fraction", mutate: func(m map[string]any) { m["not_after"] = "2027-01-02T03:04:05.5Z" }, want: "not RFC 3339 UTC"},
		{name: "not_after a date", mutate: func(m map[string]any) { m["not_after"] = "2027-01-02" }, want: "not RFC 3339 UTC"},
		{name: "no certificates", mutate: func(m map[string]any) { m["certificates"] = []any{}; m["signatures"] = []any{} }, want: "no certificates"},
		{name: "count mismatch", mutate: func(m map[string]any) { m["signatures"] = []any{} }, want: "1 certificate(s) but 0 signature(s)"},
		{name: "short signature", mutate: func(m map[string]any) { m["signatures"] = []any{"AAAA"} }, want: "signature 0 is 3 bytes, want 64"},
		{name: "bad certificate", mutate: func(m map[string]any) { m["certificates"] = []any{"AAAA"} }, want: "certificate 0:"},
		{name: "PEM key, not certificate", mutate: func(m map[string]any) {
			m["certificates"] = []any{base64.StdEncoding.EncodeToString([]byte("-----BEGIN " + "PRIVATE KEY-----\nAAAA\n-----END " + "PRIVATE KEY-----\n") /* not a key; split so secret scanners stay quiet */)}
		}, want: `PEM block "PRIVATE KEY"`},
		{name: "file URL", mutate: func(m map[string]any) { m["os_pkg_url"] = "file:///x.zip" }, want: `scheme "file"`},
		{name: "bad digest", mutate: func(m map[string]any) { m["os_pkg_sha256"] = "ABC" }, want: "not 64 lower-case hex"},
		{name: "not base64", mutate: func(m map[string]any) { m["signatures"] = []any{"!!"} }, want: "parsing descriptor"},
		{name: "not JSON", raw: "{", want: "parsing descriptor"},
		{name: "trailing data", raw: "{}{}", want: "parsing descriptor"},
		{name: "too large", raw: strings.Repeat(" ", MaxDescriptorSize+1), want: "limit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := []byte(tt.raw)
			if tt.raw == "" {
				m := validDescriptor(t)
				tt.mutate(m)
				var err error
				if b, err = json.Marshal(m); err != nil {
					t.Fatal(err)
				}
			}
			d, err := ParseDescriptor(b)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("ParseDescriptor(%s) = %v, want success", tt.name, err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("ParseDescriptor(%s) = %v, want error containing %q", tt.name, err, tt.want)
			case tt.want != "" && !errors.Is(err, ErrFormat):
				t.Errorf("ParseDescriptor(%s) = %v, want ErrFormat", tt.name, err)
			case tt.want == "" && d == nil:
				t.Errorf("ParseDescriptor(%s) = nil descriptor", tt.name)
			}
		})
	}
}

func TestDescriptorRoundTrip(t *testing.T) {
	h := newHierarchy(t)
	rel := testRelease
	rel.NotAfter = epoch.AddDate(1, 0, 0)
	d, err := Sign(packed(t, testContents()), "manx.zip", rel, []sign.Signer{h.signer1, h.root})
	if err != nil {
		t.Fatal(err)
	}
	b, err := d.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseDescriptor(b)
	if err != nil {
		t.Fatalf("ParseDescriptor(Marshal()) = %v", err)
	}
	if diff := cmp.Diff(d, got); diff != "" {
		t.Errorf("ParseDescriptor(Marshal(d)) (-want +got):\n%s", diff)
	}
}

// TestStatementBytes pins the signed statement byte for byte
// (testdata/statement.golden; go test -update rewrites it): changing it
// invalidates every signature ever made.
func TestStatementBytes(t *testing.T) {
	d, err := Sign(packed(t, testContents()), "manx.zip",
		Release{Label: "Manx v1.2.3", Version: 1763900000, NotAfter: time.Date(2027, 1, 2, 3, 4, 5, 0, time.FixedZone("CET", 3600))},
		[]sign.Signer{newHierarchy(t).signer1})
	if err != nil {
		t.Fatal(err)
	}
	st, err := d.Statement()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	b.Write(st.Bytes())
	noExpiry := st
	noExpiry.NotAfter = time.Time{}
	b.WriteString("--- the same without not_after:\n")
	b.Write(noExpiry.Bytes())
	testutil.Golden(t, "testdata/statement.golden", b.Bytes())
	if d.NotAfter != "2027-01-02T02:04:05Z" {
		t.Errorf("Sign() not_after = %q, want the UTC time 2027-01-02T02:04:05Z", d.NotAfter)
	}
}

func TestSignRelease(t *testing.T) {
	h := newHierarchy(t)
	zip := packed(t, testContents())
	for _, tt := range []struct {
		name string
		rel  Release
		want string
	}{
		{"version 0", Release{Label: "Manx", Version: 0}, "pkg_version 0, want >= 1"},
		{"no label", Release{Version: 1}, "no label"},
		{"label with newline", Release{Label: "a\nb", Version: 1}, "non-printable"},
		{"not_after after 9999", Release{Label: "Manx", Version: 1, NotAfter: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, "not_after"},
	} {
		if _, err := Sign(zip, "manx.zip", tt.rel, []sign.Signer{h.signer1}); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Sign(%s) = %v, want an error containing %q", tt.name, err, tt.want)
		}
	}
}
