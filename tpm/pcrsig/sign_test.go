package pcrsig

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestSignMatchesMeasure: Sign over systemd-measure's PCR 11 values gives
// systemd-measure 252's sign output byte for byte (testdata/README.md).
func TestSignMatchesMeasure(t *testing.T) {
	got, err := Sign(testKey(t), SHA256, calculated(t, readTestdata(t, "calculate-252.json")))
	if err != nil {
		t.Fatal(err)
	}
	if want := readTestdata(t, "sign-252.json"); !bytes.Equal(got, want) {
		t.Errorf("Sign() =\n%s\nwant systemd-measure's\n%s", got, want)
	}
}

func TestSignReproducible(t *testing.T) {
	key := testKey(t)
	vals := calculated(t, readTestdata(t, "calculate-252.json"))
	a, err := Sign(key, SHA256, vals)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Sign(key, SHA256, vals)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Errorf("Sign() twice differs:\n%s\n%s", a, b)
	}
}

// TestSignRoundTrip: Parse reads what Sign writes; Find locates each
// value's entry by key and policy; Verify accepts it and refuses another
// key or a changed policy.
func TestSignRoundTrip(t *testing.T) {
	key := testKey(t)
	vals := calculated(t, readTestdata(t, "calculate-252.json"))
	b, err := Sign(key, SHA256, vals)
	if err != nil {
		t.Fatal(err)
	}
	sigs, err := Parse(b)
	if err != nil {
		t.Fatalf("Parse(Sign()) = %v", err)
	}
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range vals {
		pol, err := PolicyPCRDigest(SHA256, []int{PCR}, [][]byte{v})
		if err != nil {
			t.Fatal(err)
		}
		e, ok := Find(sigs, SHA256, &key.PublicKey, pol)
		if !ok {
			t.Fatalf("Find(value %d) found nothing", i)
		}
		if diff := cmp.Diff(sigs[SHA256][i], e); diff != "" {
			t.Errorf("Find(value %d) returned another entry (-want +got):\n%s", i, diff)
		}
		if err := Verify(&key.PublicKey, SHA256, e); err != nil {
			t.Errorf("Verify(value %d) = %v", i, err)
		}
		if err := Verify(&other.PublicKey, SHA256, e); err == nil {
			t.Errorf("Verify(another key) = nil, want an error")
		}
		if _, ok := Find(sigs, SHA256, &other.PublicKey, pol); ok {
			t.Errorf("Find(another key) found an entry")
		}
		changed := e
		changed.Policy = bytes.Clone(e.Policy)
		changed.Policy[0] ^= 1
		if err := Verify(&key.PublicKey, SHA256, changed); err == nil {
			t.Errorf("Verify(changed pol) = nil, want an error")
		}
	}
	if _, ok := Find(sigs, SHA256, &key.PublicKey, make([]byte, 32)); ok {
		t.Errorf("Find(unsigned policy) found an entry")
	}
	if _, ok := Find(sigs, SHA1, &key.PublicKey, sigs[SHA256][0].Policy); ok {
		t.Errorf("Find(absent bank) found an entry")
	}
}

// TestSignBanks: every bank signs with its own hash and reads back.
func TestSignBanks(t *testing.T) {
	key := testKey(t)
	for name, b := range banks {
		v := bytes.Repeat([]byte{0xAB}, b.hash.Size())
		out, err := Sign(key, name, [][]byte{v})
		if err != nil {
			t.Fatalf("Sign(%s) = %v", name, err)
		}
		sigs, err := Parse(out)
		if err != nil {
			t.Fatalf("Parse(Sign(%s)) = %v", name, err)
		}
		if err := Verify(&key.PublicKey, name, sigs[name][0]); err != nil {
			t.Errorf("Verify(%s) = %v", name, err)
		}
		if !strings.HasPrefix(string(out), `{"`+name+`":[{"pcrs":[11],"pkfp":"`) {
			t.Errorf("Sign(%s) = %s, want systemd's field order", name, out)
		}
	}
}

func TestSignErrors(t *testing.T) {
	key := testKey(t)
	v := make([]byte, 32)
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	many := make([][]byte, MaxEntries+1)
	for i := range many {
		many[i] = v
	}
	for _, tc := range []struct {
		name string
		key  *rsa.PrivateKey
		bank string
		vals [][]byte
		want string
	}{
		{"no key", nil, SHA256, [][]byte{v}, "no signing key"},
		{"unknown bank", key, "md5", [][]byte{v}, `unknown PCR bank "md5"`},
		{"no values", key, SHA256, nil, "no PCR 11 values"},
		{"too many values", key, SHA256, many, "more than 64"},
		{"wrong size", key, SHA256, [][]byte{v[:20]}, "value 0: policy PCR: PCR 11 value is 20 bytes"},
		{"1024-bit key", small, SHA256, [][]byte{v}, "RSA key of 1024 bits"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Sign(tc.key, tc.bank, tc.vals)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Sign() = %v, want an error containing %q", err, tc.want)
			}
		})
	}
}
