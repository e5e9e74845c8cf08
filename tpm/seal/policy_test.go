package seal

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"math/big"
	"testing"

	"github.com/google/go-tpm/tpm2"

	"manx/tpm/pcrsig"
)

func unhex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestKeyNameSystemd: the name of the "standard RSA key" of systemd's
// src/test/test-tpm2.c (TEST(tpm2b_public_from_openssl_pkey), v257), as
// tpm2_tpm2b_public_from_openssl_pkey loads it, is KeyName's.
func TestKeyNameSystemd(t *testing.T) {
	const (
		pemHex = "2d2d2d2d2d424547494e205055424c4943204b45592d2d2d2d2d0a4d494942496a414e42676b71686b6947397730424151454641414f43415138414d49494243674b4341514541795639434950652f505852337a436f63787045300a6a575262546c3568585844436b472f584b79374b6d2f4439584942334b734f5a31436a5937375571372f674359363170697838697552756a73413464503165380a593445336c68556d374a332b6473766b626f4b64553243626d52494c2f6675627771694c4d587a41673342575278747234547545443533527a373634554650640a307a70304b68775231496230444c67772f344e67566f314146763378784b4d6478774d45683567676b73733038326332706c354a504e32587677426f744e6b4d0a5471526c745a4a35355244436170696e7153334577376675646c4e735851357746766c7432377a7637344b585165616d704c59433037584f6761304c676c536b0a79754774586b6a50542f735542544a705374615769674d5a6f714b7479563463515a58436b4a52684459614c47587673504233687a766d5671636e6b47654e540a65774944415141420a2d2d2d2d2d454e44205055424c4943204b45592d2d2d2d2d0a"
		name   = "000be1bd75c7976e7a30e9e82223b81a9eff0d42c30618e588db592ed5da94455e81"
	)
	pub, err := pcrsig.ParsePublicKeyPEM(unhex(t, pemHex))
	if err != nil {
		t.Fatal(err)
	}
	got, err := KeyName(pub)
	if err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(got) != name {
		t.Errorf("KeyName() = %x, want systemd's %s", got, name)
	}
}

// TestPolicyAuthorizeSystemd: the PolicyAuthorize step Policy uses gives
// systemd's TEST(calculate_policy_authorize) answer (v257) for its RSA
// test key (test_rsa_template with the modulus below).
func TestPolicyAuthorizeSystemd(t *testing.T) {
	n := unhex(t, "9ec7341c52093ac40a1965a5df10432513c539adcf905e30577ab6ebc88ffe53cd08cef12ed9bec6125432f4fada3629b8b96d31b8f507aa35029188fe396da823fcb236027f7fbb01b0da3d87be7f999390449ced604bdf7e26c48657cc0671000f1147da195c3861c96642e54427cb7a11572e07567ec3fd6316978abc4bd92b27bb0a0e4958e599804eeb41d682b3b7fc1f960209f80a4fb8a1b64abfd96bf5d554e73cdd6ad1c8becb4fcf5e8f0c3e621d210e5e2f308f6520ad9a966779231b99f06c5989e5a23a9415c8808ab89ce81117632e2f8461cd4428bded40979236aeadafe8de3f51660a45e1dbc87694e6a36360201cca3ff9e7263e712727")
	tmpl := tpm2.TPMTPublic{ // systemd's test_rsa_template
		Type:    tpm2.TPMAlgRSA,
		NameAlg: tpm2.TPMAlgSHA256,
		ObjectAttributes: tpm2.TPMAObject{
			Restricted: true, Decrypt: true, FixedTPM: true, FixedParent: true,
			SensitiveDataOrigin: true, UserWithAuth: true,
		},
		Parameters: tpm2.NewTPMUPublicParms(tpm2.TPMAlgRSA, &tpm2.TPMSRSAParms{
			Symmetric: tpm2.TPMTSymDefObject{
				Algorithm: tpm2.TPMAlgAES,
				KeyBits:   tpm2.NewTPMUSymKeyBits(tpm2.TPMAlgAES, tpm2.TPMKeyBits(128)),
				Mode:      tpm2.NewTPMUSymMode(tpm2.TPMAlgAES, tpm2.TPMAlgCFB),
			},
			Scheme:  tpm2.TPMTRSAScheme{Scheme: tpm2.TPMAlgNull},
			KeyBits: 2048,
		}),
		Unique: tpm2.NewTPMUPublicID(tpm2.TPMAlgRSA, &tpm2.TPM2BPublicKeyRSA{Buffer: n}),
	}
	name, err := tpm2.ObjectName(&tmpl)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := hex.EncodeToString(name.Buffer), "000be78f74a470dd92e979ca067cdb2293a35f075e8560b436bd2ccea5da21486a07"; got != want {
		t.Fatalf("name of systemd's test key = %s, want %s", got, want)
	}
	calc, err := tpm2.NewPolicyCalculator(tpm2.TPMAlgSHA256)
	if err != nil {
		t.Fatal(err)
	}
	if err := (tpm2.PolicyAuthorize{KeySign: *name}).Update(calc); err != nil {
		t.Fatal(err)
	}
	if got, want := hex.EncodeToString(calc.Hash().Digest), "95213a3784eaab04f427bc7e8851c2f1df0903be8e42428ec25dcefd907baff1"; got != want {
		t.Errorf("PolicyAuthorize = %s, want systemd's %s", got, want)
	}
}

// TestPolicyByHand spells Policy out: PolicyAuthorize = H(H(0³² ‖ CC ‖
// name) ‖ policyRef=∅), then PolicyPCR(7) as pcrsig computes it.
func TestPolicyByHand(t *testing.T) {
	key, _ := testKeys(t)
	name, err := KeyName(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	step := sha256.Sum256(append(append(make([]byte, 32), 0x00, 0x00, 0x01, 0x6A), name...)) // TPM_CC_PolicyAuthorize
	authorize := sha256.Sum256(step[:])                                                      // empty policyRef
	got, err := Policy(&key.PublicKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(got) != hex.EncodeToString(authorize[:]) {
		t.Errorf("Policy(key, no PCR 7) = %x, want %x", got, authorize)
	}
	pcr7 := sha256.Sum256([]byte("PCR 7"))
	// pcrsig's PolicyPCR starts at zero; do it on top of authorize by hand.
	pcrDigest := sha256.Sum256(pcr7[:])
	msg := append(append([]byte{}, authorize[:]...), 0x00, 0x00, 0x01, 0x7F, 0, 0, 0, 1, 0x00, 0x0B, 3, 0x80, 0, 0)
	want := sha256.Sum256(append(msg, pcrDigest[:]...))
	got, err = Policy(&key.PublicKey, pcr7[:])
	if err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(got) != hex.EncodeToString(want[:]) {
		t.Errorf("Policy(key, PCR 7) = %x, want %x", got, want)
	}
}

// TestPolicyMatchesTPM: a trial session running the same commands ends
// with Policy's digest (a trial PolicyAuthorize does not check its ticket).
func TestPolicyMatchesTPM(t *testing.T) {
	key, _ := testKeys(t)
	tpm := newTPM(t)
	name, err := KeyName(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	pcr7 := pcrValue(t, tpm, 7)
	for _, withPCR7 := range []bool{false, true} {
		sess, closeSess, err := tpm2.PolicySession(tpm, tpm2.TPMAlgSHA256, 16, tpm2.Trial())
		if err != nil {
			t.Fatal(err)
		}
		_, err = tpm2.PolicyAuthorize{
			PolicySession: sess.Handle(),
			KeySign:       tpm2.TPM2BName{Buffer: name},
			CheckTicket:   tpm2.TPMTTKVerified{Tag: tpm2.TPMSTVerified, Hierarchy: tpm2.TPMRHNull},
		}.Execute(tpm)
		if err != nil {
			t.Fatalf("trial PolicyAuthorize: %v", err)
		}
		var want []byte
		if withPCR7 {
			if _, err := (tpm2.PolicyPCR{PolicySession: sess.Handle(), Pcrs: selection(7)}).Execute(tpm); err != nil {
				t.Fatal(err)
			}
			want, err = Policy(&key.PublicKey, pcr7)
		} else {
			want, err = Policy(&key.PublicKey, nil)
		}
		if err != nil {
			t.Fatal(err)
		}
		got, err := tpm2.PolicyGetDigest{PolicySession: sess.Handle()}.Execute(tpm)
		if err != nil {
			t.Fatal(err)
		}
		closeSess()
		if hex.EncodeToString(got.PolicyDigest.Buffer) != hex.EncodeToString(want) {
			t.Errorf("trial session (PCR 7: %v) = %x, Policy() = %x", withPCR7, got.PolicyDigest.Buffer, want)
		}
	}
}

func TestKeyNameErrors(t *testing.T) {
	key, _ := testKeys(t)
	if _, err := KeyName(nil); err == nil {
		t.Errorf("KeyName(nil) = nil error")
	}
	odd := key.PublicKey
	odd.E = 1 << 40
	if _, err := KeyName(&odd); err == nil {
		t.Errorf("KeyName(exponent 2^40) = nil error")
	}
	short := key.PublicKey
	short.N = new(big.Int).Rsh(key.N, 3) // 2045 bits
	if _, err := KeyName(&short); err == nil {
		t.Errorf("KeyName(2045-bit modulus) = nil error")
	}
	// A parsed PEM key names the same as the original.
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := pcrsig.ParsePublicKeyPEM(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	if err != nil {
		t.Fatal(err)
	}
	a, _ := KeyName(&key.PublicKey)
	b, _ := KeyName(parsed)
	if hex.EncodeToString(a) != hex.EncodeToString(b) {
		t.Errorf("KeyName(parsed PEM) = %x, want %x", b, a)
	}
}
