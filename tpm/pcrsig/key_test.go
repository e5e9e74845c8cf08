package pcrsig

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"strings"
	"testing"
)

// systemdPEM is the "standard RSA key" of systemd's src/test/test-tpm2.c
// (TEST(tpm2b_public_from_openssl_pkey), systemd v257), whose fingerprint
// there (tpm2_tpm2b_public_to_fingerprint, the pkfp) is systemdFP.
var (
	systemdPEM = "2d2d2d2d2d424547494e205055424c4943204b45592d2d2d2d2d0a4d494942496a414e42676b71686b6947397730424151454641414f43415138414d49494243674b4341514541795639434950652f505852337a436f63787045300a6a575262546c3568585844436b472f584b79374b6d2f4439584942334b734f5a31436a5937375571372f674359363170697838697552756a73413464503165380a593445336c68556d374a332b6473766b626f4b64553243626d52494c2f6675627771694c4d587a41673342575278747234547545443533527a373634554650640a307a70304b68775231496230444c67772f344e67566f314146763378784b4d6478774d45683567676b73733038326332706c354a504e32587677426f744e6b4d0a5471526c745a4a35355244436170696e7153334577376675646c4e735851357746766c7432377a7637344b585165616d704c59433037584f6761304c676c536b0a79754774586b6a50542f735542544a705374615769674d5a6f714b7479563463515a58436b4a52684459614c47587673504233687a766d5671636e6b47654e540a65774944415141420a2d2d2d2d2d454e44205055424c4943204b45592d2d2d2d2d0a"
	systemdFP  = "d9186d13a7fd5b3644cee05448f49ad3574e82a2942ff93cf89598d36cca78a9"
)

func TestFingerprintSystemd(t *testing.T) {
	pub, err := ParsePublicKeyPEM(unhex(t, systemdPEM))
	if err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(Fingerprint(pub)); got != systemdFP {
		t.Errorf("Fingerprint() = %s, want systemd's %s", got, systemdFP)
	}
}

func TestPublicKeyPEMRoundTrip(t *testing.T) {
	key := testKey(t)
	b, err := PublicKeyPEM(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	if want := readTestdata(t, "key.pub.pem"); !bytes.Equal(bytes.TrimSpace(b), want) {
		t.Errorf("PublicKeyPEM() =\n%s\nwant openssl's\n%s", b, want)
	}
	pub, err := ParsePublicKeyPEM(b)
	if err != nil {
		t.Fatal(err)
	}
	if !pub.Equal(&key.PublicKey) {
		t.Errorf("ParsePublicKeyPEM(PublicKeyPEM(k)) != k")
	}
}

func TestParsePublicKeyPEMErrors(t *testing.T) {
	key := testKey(t)
	good, err := PublicKeyPEM(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecDER, err := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(good)
	for _, tc := range []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "no PEM block"},
		{"junk before", append([]byte("junk\n"), good...), "data before the PEM block"},
		{"junk after", append(bytes.Clone(good), "junk"...), "data after the PEM block"},
		{"two blocks", append(bytes.Clone(good), good...), "data after the PEM block"},
		{"PKCS#1 type", pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&key.PublicKey)}), `PEM type "RSA PUBLIC KEY"`},
		{"headers", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Headers: map[string]string{"A": "b"}, Bytes: blk.Bytes}), "headers"},
		{"EC key", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: ecDER}), "*ecdsa.PublicKey key, want RSA"},
		{"bad DER", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: []byte{0x30, 0x01}}), "pcrpkey: "},
		{"huge", bytes.Repeat([]byte{' '}, maxPEMSize+1), "more than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParsePublicKeyPEM(tc.in)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ParsePublicKeyPEM() = %v, want an error containing %q", err, tc.want)
			}
		})
	}
	// White space around the block is fine.
	if _, err := ParsePublicKeyPEM(append(append([]byte("\n\n"), good...), "\n\n"...)); err != nil {
		t.Errorf("ParsePublicKeyPEM(white space around) = %v", err)
	}
}
