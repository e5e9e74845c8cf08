package seal

import (
	"bytes"
	"encoding/hex"
	"errors"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/google/go-tpm/tpm2"

	"manx/tpm/pcrsig"
)

// TestSRK: the SRK is the same every time (same seed, fixed template), and
// it is what tpm2-tools creates from the same template parameters.
func TestSRK(t *testing.T) {
	p := startTPM(t, newState(t))
	// tpm2-tools first: TPM() has not connected yet.
	ctx := filepath.Join(t.TempDir(), "srk.ctx")
	tools := [][]string{
		{"tpm2_createprimary", "-T", p.Device(), "-Q", "-C", "o", "-g", "sha256", "-G", "ecc256:aes128cfb",
			"-a", "fixedtpm|fixedparent|sensitivedataorigin|userwithauth|noda|restricted|decrypt", "-c", ctx},
		{"tpm2_readpublic", "-T", p.Device(), "-c", ctx},
		{"tpm2_flushcontext", "-T", p.Device(), "-t"},
	}
	var readpublic []byte
	for _, args := range tools {
		out, err := exec.Command(args[0], args[1:]...).CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %v\n%s", args, err, out)
		}
		if args[0] == "tpm2_readpublic" {
			readpublic = out
		}
	}
	m := regexp.MustCompile(`(?m)^name: ([0-9a-f]+)$`).FindSubmatch(readpublic)
	if m == nil {
		t.Fatalf("tpm2_readpublic printed no name:\n%s", readpublic)
	}

	tpm := p.TPM()
	var names [][]byte
	for range 2 {
		s, err := createSRK(tpm)
		if err != nil {
			t.Fatal(err)
		}
		flush(tpm, s.handle)
		names = append(names, s.name.Buffer)
	}
	if !bytes.Equal(names[0], names[1]) {
		t.Errorf("two SRKs differ: %x, %x", names[0], names[1])
	}
	if got := []byte(hex.EncodeToString(names[0])); !bytes.Equal(got, m[1]) {
		t.Errorf("SRK name = %s, tpm2_createprimary's = %s", got, m[1])
	}
}

// TestVerifyInTPMRefuses: the TPM's own signature check (behind the
// software one) maps to ErrSignature.
func TestVerifyInTPMRefuses(t *testing.T) {
	key, _ := testKeys(t)
	tpm := newTPM(t)
	e := signed(t, key, pcrValue(t, tpm, 11))[pcrsig.SHA256][0]
	if _, _, err := verifyInTPM(tpm, &key.PublicKey, e); err != nil {
		t.Fatalf("verifyInTPM(good) = %v", err)
	}
	e.Signature = bytes.Clone(e.Signature)
	e.Signature[0] ^= 1
	_, _, err := verifyInTPM(tpm, &key.PublicKey, e)
	if !errors.Is(err, ErrSignature) {
		t.Errorf("verifyInTPM(altered) = %v, want ErrSignature", err)
	}
}

// TestPolicyAuthorizeStale: PCR 11 changing between the read and
// PolicyPCR (the session digest is not the approved policy) is ErrPolicy.
func TestPolicyAuthorizeStale(t *testing.T) {
	key, _ := testKeys(t)
	tpm := newTPM(t)
	e := signed(t, key, pcrValue(t, tpm, 11))[pcrsig.SHA256][0]
	ticket, name, err := verifyInTPM(tpm, &key.PublicKey, e)
	if err != nil {
		t.Fatal(err)
	}
	extend(t, tpm, 11, "changed meanwhile")
	sess, closeSess, err := tpm2.PolicySession(tpm, tpm2.TPMAlgSHA256, 16)
	if err != nil {
		t.Fatal(err)
	}
	defer closeSess()
	if _, err := (tpm2.PolicyPCR{PolicySession: sess.Handle(), Pcrs: selection(11)}).Execute(tpm); err != nil {
		t.Fatal(err)
	}
	_, err = tpm2.PolicyAuthorize{PolicySession: sess.Handle(), ApprovedPolicy: tpm2.TPM2BDigest{Buffer: e.Policy}, KeySign: name, CheckTicket: *ticket}.Execute(tpm)
	if err == nil {
		t.Fatal("PolicyAuthorize with a stale PCR = nil error")
	}
	t.Logf("stale PolicyAuthorize: %v", err)
	if got := policyErr(err); !errors.Is(got, ErrPolicy) {
		t.Errorf("policyErr(%v) does not wrap ErrPolicy", err)
	}
}

// TestTPMPolicyFail: the TPM's own refusal of an unsatisfied policy (a
// session that ran no policy commands, as when a PCR changes behind the
// software checks) maps to ErrPolicy.
func TestTPMPolicyFail(t *testing.T) {
	key, _ := testKeys(t)
	tpm := newTPM(t)
	blob, err := Seal(tpm, secret, &key.PublicKey, pcrValue(t, tpm, 7))
	if err != nil {
		t.Fatal(err)
	}
	s, err := createSRK(tpm)
	if err != nil {
		t.Fatal(err)
	}
	defer flush(tpm, s.handle)
	loaded, err := tpm2.Load{
		ParentHandle: tpm2.AuthHandle{Handle: s.handle, Name: s.name, Auth: tpm2.PasswordAuth(nil)},
		InPrivate:    tpm2.TPM2BPrivate{Buffer: blob.Private},
		InPublic:     tpm2.BytesAs2B[tpm2.TPMTPublic](blob.Public),
	}.Execute(tpm)
	if err != nil {
		t.Fatal(err)
	}
	defer flush(tpm, loaded.ObjectHandle)
	sess, closeSess, err := tpm2.PolicySession(tpm, tpm2.TPMAlgSHA256, 16)
	if err != nil {
		t.Fatal(err)
	}
	defer closeSess()
	// PCR 7 alone: the policy also needs PolicyAuthorize first.
	if _, err := (tpm2.PolicyPCR{PolicySession: sess.Handle(), Pcrs: selection(7)}).Execute(tpm); err != nil {
		t.Fatal(err)
	}
	_, err = tpm2.Unseal{ItemHandle: tpm2.AuthHandle{Handle: loaded.ObjectHandle, Name: loaded.Name, Auth: sess}}.Execute(tpm)
	if err == nil {
		t.Fatal("Unseal with an unsatisfied policy = nil error")
	}
	if got := policyErr(err); !errors.Is(got, ErrPolicy) {
		t.Errorf("policyErr(%v) does not wrap ErrPolicy", err)
	}
}
