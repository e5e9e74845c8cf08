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

	"github.com/google/go-cmp/cmp"

	"manx/internal/testutil"
	"manx/sign"
)

func TestSignReproducible(t *testing.T) {
	h := newHierarchy(t)
	zip := packed(t, testContents())
	var out [][]byte
	for range 2 {
		d, err := Sign(zip, "http://10.0.2.2:8080/manx.zip", []sign.Signer{h.signer1, h.signer2})
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
	want := []string{"certificates", "os_pkg_sha256", "os_pkg_url", "signatures", "version"}
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
			_, err := Sign(zip, tt.url, tt.signers)
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
	d, err := Sign(packed(t, testContents()), "manx.zip", []sign.Signer{h.signer1})
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
		{name: "no digest (System Transparency)", mutate: func(m map[string]any) { delete(m, "os_pkg_sha256") }},
		{name: "unknown field ignored", mutate: func(m map[string]any) { m["sigsum"] = 1 }},
		{name: "version 2", mutate: func(m map[string]any) { m["version"] = 2 }, want: "version 2, want 1"},
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
	d, err := Sign(packed(t, testContents()), "manx.zip", []sign.Signer{h.signer1, h.root})
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
