package pcrsig

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"
)

// testKey is testdata/key.pem.
func testKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		t.Fatal("testdata/key.pem: no PEM block")
	}
	k, err := x509.ParsePKCS1PrivateKey(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// calculated reads the PCR 11 values of a systemd-measure calculate
// --json=short output, in order.
func calculated(t testing.TB, b []byte) [][]byte {
	t.Helper()
	var out map[string][]struct {
		PCR  int    `json:"pcr"`
		Hash string `json:"hash"`
	}
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatalf("calculate output %q: %v", b, err)
	}
	var vals [][]byte
	for _, e := range out["sha256"] {
		if e.PCR != 11 {
			t.Fatalf("calculate output has PCR %d", e.PCR)
		}
		vals = append(vals, unhex(t, e.Hash))
	}
	if len(vals) == 0 {
		t.Fatalf("calculate output %q has no sha256 values", b)
	}
	return vals
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSpace(b)
}

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
