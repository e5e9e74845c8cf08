package seal

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-tpm/tpm2"

	"manx/tpm/pcrsig"
)

var secret = []byte("correct horse battery staple, 32")

// TestSealUnseal: sealed to the key, the secret unseals while PCR 11 holds
// a signed value (the .pcrsig signs two boot paths; the current one is
// second), through a Marshal/Unmarshal round trip.
func TestSealUnseal(t *testing.T) {
	key, _ := testKeys(t)
	tpm := newTPM(t)
	measureUKI(t, tpm)
	sigs := signed(t, key, bytes.Repeat([]byte{1}, 32), pcrValue(t, tpm, 11))

	blob, err := Seal(tpm, secret, &key.PublicKey, nil)
	if err != nil {
		t.Fatalf("Seal() = %v", err)
	}
	b, err := blob.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	blob, err = Unmarshal(b)
	if err != nil {
		t.Fatalf("Unmarshal(Marshal()) = %v", err)
	}
	got, err := Unseal(tpm, blob, &key.PublicKey, sigs)
	if err != nil {
		t.Fatalf("Unseal() = %v", err)
	}
	if !bytes.Equal(got, secret) {
		t.Errorf("Unseal() = %q, want %q", got, secret)
	}
	// Again: nothing was left loaded, the session was flushed.
	if _, err := Unseal(tpm, blob, &key.PublicKey, sigs); err != nil {
		t.Errorf("Unseal() again = %v", err)
	}
}

// TestUnsealAfterRestart is the host-seals, VM-unseals flow: seal, stop
// swtpm, start it again on the same state (PCRs reset, SRK recreated from
// the same seed), measure the same UKI, unseal.
func TestUnsealAfterRestart(t *testing.T) {
	key, _ := testKeys(t)
	state := newState(t)
	p := startTPM(t, state)
	blob, err := Seal(p.TPM(), secret, &key.PublicKey, nil)
	if err != nil {
		t.Fatalf("Seal() = %v", err)
	}
	if err := p.Stop(); err != nil {
		t.Fatal(err)
	}
	tpm := startTPM(t, state).TPM()
	measureUKI(t, tpm)
	got, err := Unseal(tpm, blob, &key.PublicKey, signed(t, key, pcrValue(t, tpm, 11)))
	if err != nil {
		t.Fatalf("Unseal() after restart = %v", err)
	}
	if !bytes.Equal(got, secret) {
		t.Errorf("Unseal() = %q, want %q", got, secret)
	}
	// After TPM2_Clear (a new owner seed, as on another TPM) the blob does
	// not load.
	if _, err := (tpm2.Clear{AuthHandle: tpm2.AuthHandle{Handle: tpm2.TPMRHLockout, Auth: tpm2.PasswordAuth(nil)}}).Execute(tpm); err != nil {
		t.Fatalf("TPM2_Clear: %v", err)
	}
	_, err = Unseal(tpm, blob, &key.PublicKey, signed(t, key, pcrValue(t, tpm, 11)))
	if err == nil || errors.Is(err, ErrPolicy) || errors.Is(err, ErrSignature) || !strings.Contains(err.Error(), "loading the sealed object") {
		t.Errorf("Unseal() after TPM2_Clear = %v, want a load error", err)
	}
}

// TestUnsealRefused: the refusals and the sentinel each carries.
func TestUnsealRefused(t *testing.T) {
	key, other := testKeys(t)
	for _, tc := range []struct {
		name string
		pcr7 bool
		// after runs after sealing and returns the .pcrsig and key to unseal with.
		after func(t *testing.T, tpm tpmT, good pcrsig.Signatures) (pcrsig.Signatures, keyT)
		want  error
	}{
		{"extra PCR 11 extend", false, func(t *testing.T, tpm tpmT, good pcrsig.Signatures) (pcrsig.Signatures, keyT) {
			extend(t, tpm, 11, "an unexpected section")
			return good, &key.PublicKey
		}, ErrPolicy},
		{"signed by another key", false, func(t *testing.T, tpm tpmT, _ pcrsig.Signatures) (pcrsig.Signatures, keyT) {
			return signed(t, other, pcrValue(t, tpm, 11)), &key.PublicKey
		}, ErrSignature},
		{"another key's pcrsig and pcrpkey", false, func(t *testing.T, tpm tpmT, _ pcrsig.Signatures) (pcrsig.Signatures, keyT) {
			return signed(t, other, pcrValue(t, tpm, 11)), &other.PublicKey
		}, ErrSignature},
		{"altered signature", false, func(t *testing.T, tpm tpmT, good pcrsig.Signatures) (pcrsig.Signatures, keyT) {
			e := good[pcrsig.SHA256][0]
			e.Signature = bytes.Clone(e.Signature)
			e.Signature[10] ^= 0x40
			return pcrsig.Signatures{pcrsig.SHA256: {e}}, &key.PublicKey
		}, ErrSignature},
		{"no sha256 bank", false, func(t *testing.T, tpm tpmT, good pcrsig.Signatures) (pcrsig.Signatures, keyT) {
			return pcrsig.Signatures{pcrsig.SHA1: good[pcrsig.SHA256]}, &key.PublicKey
		}, ErrSignature},
		{"PCR 7 extended", true, func(t *testing.T, tpm tpmT, good pcrsig.Signatures) (pcrsig.Signatures, keyT) {
			extend(t, tpm, 7, "another db")
			return good, &key.PublicKey
		}, ErrPolicy},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tpm := newTPM(t)
			measureUKI(t, tpm)
			var pcr7 []byte
			if tc.pcr7 {
				extend(t, tpm, 7, "SecureBoot PK KEK db dbx")
				pcr7 = pcrValue(t, tpm, 7)
			}
			good := signed(t, key, pcrValue(t, tpm, 11))
			blob, err := Seal(tpm, secret, &key.PublicKey, pcr7)
			if err != nil {
				t.Fatalf("Seal() = %v", err)
			}
			if got, err := Unseal(tpm, blob, &key.PublicKey, good); err != nil || !bytes.Equal(got, secret) {
				t.Fatalf("Unseal() before the change = %q, %v", got, err)
			}
			sigs, pub := tc.after(t, tpm, good)
			got, err := Unseal(tpm, blob, pub, sigs)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Unseal() = %q, %v; want an error wrapping %q", got, err, tc.want)
			}
			other := ErrPolicy
			if tc.want == ErrPolicy {
				other = ErrSignature
			}
			if errors.Is(err, other) {
				t.Errorf("Unseal() = %v wraps both sentinels", err)
			}
			t.Logf("refused: %v", err)
		})
	}
}

// TestUnsealPCR7: sealed with literal PCR 7, the secret unseals while PCR
// 7 holds it, whatever signed PCR 11 value is current.
func TestUnsealPCR7(t *testing.T) {
	key, _ := testKeys(t)
	tpm := newTPM(t)
	extend(t, tpm, 7, "SecureBoot PK KEK db dbx")
	pcr7 := pcrValue(t, tpm, 7)
	blob, err := Seal(tpm, secret, &key.PublicKey, pcr7)
	if err != nil {
		t.Fatalf("Seal() = %v", err)
	}
	if !bytes.Equal(blob.PCR7, pcr7) {
		t.Errorf("blob.PCR7 = %x, want %x", blob.PCR7, pcr7)
	}
	measureUKI(t, tpm) // a UKI measured after sealing: fine if signed
	got, err := Unseal(tpm, blob, &key.PublicKey, signed(t, key, pcrValue(t, tpm, 11)))
	if err != nil || !bytes.Equal(got, secret) {
		t.Fatalf("Unseal() = %q, %v; want the secret", got, err)
	}
}

func TestSealErrors(t *testing.T) {
	key, _ := testKeys(t)
	tpm := newTPM(t)
	for _, tc := range []struct {
		name   string
		secret []byte
		pcr7   []byte
		want   string
	}{
		{"empty secret", nil, nil, "secret is 0 bytes, want 1 to 128"},
		{"big secret", make([]byte, 129), nil, "secret is 129 bytes"},
		{"short PCR 7", secret, make([]byte, 20), "PCR 7 value is 20 bytes, want 32"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Seal(tpm, tc.secret, &key.PublicKey, tc.pcr7)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Seal() = %v, want an error containing %q", err, tc.want)
			}
		})
	}
	if _, err := Seal(tpm, secret, nil, nil); err == nil {
		t.Errorf("Seal(no key) = nil error")
	}
	full := bytes.Repeat([]byte{7}, MaxSecretSize)
	blob, err := Seal(tpm, full, &key.PublicKey, nil)
	if err != nil {
		t.Fatalf("Seal(%d bytes) = %v", MaxSecretSize, err)
	}
	got, err := Unseal(tpm, blob, &key.PublicKey, signed(t, key, pcrValue(t, tpm, 11)))
	if err != nil || !bytes.Equal(got, full) {
		t.Errorf("Unseal(%d bytes) = %x, %v", MaxSecretSize, got, err)
	}
}
