package seal

import (
	"bytes"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"fmt"

	"github.com/google/go-tpm/tpm2"
	"github.com/google/go-tpm/tpm2/transport"

	"manx/tpm/pcrsig"
)

// Unseal returns the secret in blob if the TPM's PCRs satisfy its policy:
// PCR 11 (SHA-256) holds a value for which sigs has an entry signed by
// pcrPub, and PCR 7 holds the literal value if the blob has one. It
// fails with an error wrapping ErrPolicy if they do not, and ErrSignature
// if sigs or pcrPub do not verify (another key, an altered signature, a
// key other than the one sealed to).
func Unseal(tpm transport.TPM, blob Blob, pcrPub *rsa.PublicKey, sigs pcrsig.Signatures) ([]byte, error) {
	if err := blob.validate(); err != nil {
		return nil, fmt.Errorf("unseal: %w", err)
	}
	if pcrPub == nil || pcrPub.N == nil {
		return nil, errors.New("unseal: no PCR public key")
	}
	if !bytes.Equal(blob.KeyFingerprint, pcrsig.Fingerprint(pcrPub)) {
		return nil, fmt.Errorf("unseal: %w: the secret was sealed to key %x, not %x", ErrSignature, blob.KeyFingerprint, pcrsig.Fingerprint(pcrPub))
	}
	pub, err := sealedPublic(blob.Public)
	if err != nil {
		return nil, fmt.Errorf("unseal: %w", err)
	}
	policy, err := Policy(pcrPub, blob.PCR7)
	if err != nil {
		return nil, fmt.Errorf("unseal: %w", err)
	}
	if !bytes.Equal(pub.AuthPolicy.Buffer, policy) {
		return nil, fmt.Errorf("unseal: the sealed object's policy %x is not PolicyAuthorize(this key)%s = %x", pub.AuthPolicy.Buffer, pcr7Note(blob.PCR7), policy)
	}

	// The entry for the current PCR 11 value.
	pcr11, err := readPCR(tpm, pcrSigned)
	if err != nil {
		return nil, fmt.Errorf("unseal: %w", err)
	}
	entry, err := findEntry(sigs, pcrPub, pcr11)
	if err != nil {
		return nil, fmt.Errorf("unseal: %w", err)
	}
	if err := pcrsig.Verify(pcrPub, pcrsig.SHA256, entry); err != nil {
		return nil, fmt.Errorf("unseal: %w: %w", ErrSignature, err)
	}
	if blob.PCR7 != nil {
		// The TPM checks it too; this names the values.
		pcr7, err := readPCR(tpm, pcrLiteral)
		if err != nil {
			return nil, fmt.Errorf("unseal: %w", err)
		}
		if !bytes.Equal(pcr7, blob.PCR7) {
			return nil, fmt.Errorf("unseal: %w: PCR %d is %x, sealed to %x", ErrPolicy, pcrLiteral, pcr7, blob.PCR7)
		}
	}

	s, err := createSRK(tpm)
	if err != nil {
		return nil, fmt.Errorf("unseal: %w", err)
	}
	defer flush(tpm, s.handle)
	loaded, err := tpm2.Load{
		ParentHandle: tpm2.AuthHandle{Handle: s.handle, Name: s.name, Auth: tpm2.PasswordAuth(nil)},
		InPrivate:    tpm2.TPM2BPrivate{Buffer: blob.Private},
		InPublic:     tpm2.BytesAs2B[tpm2.TPMTPublic](blob.Public),
	}.Execute(tpm)
	if err != nil {
		return nil, fmt.Errorf("unseal: loading the sealed object (sealed on another TPM, or its state reset?): %w", err)
	}
	defer flush(tpm, loaded.ObjectHandle)

	ticket, keyName, err := verifyInTPM(tpm, pcrPub, entry)
	if err != nil {
		return nil, fmt.Errorf("unseal: %w", err)
	}

	sess, closeSess, err := tpm2.PolicySession(tpm, tpm2.TPMAlgSHA256, 16,
		tpm2.Salted(s.handle, s.public), tpm2.AESEncryption(128, tpm2.EncryptOut))
	if err != nil {
		return nil, fmt.Errorf("unseal: starting the policy session: %w", err)
	}
	defer closeSess()
	if _, err := (tpm2.PolicyPCR{PolicySession: sess.Handle(), Pcrs: selection(pcrSigned)}).Execute(tpm); err != nil {
		return nil, fmt.Errorf("unseal: PolicyPCR(%d): %w", pcrSigned, policyErr(err))
	}
	_, err = tpm2.PolicyAuthorize{
		PolicySession:  sess.Handle(),
		ApprovedPolicy: tpm2.TPM2BDigest{Buffer: entry.Policy},
		KeySign:        keyName,
		CheckTicket:    *ticket,
	}.Execute(tpm)
	if err != nil {
		// The PCR changed since it was read, so the session's digest is not
		// the approved policy.
		return nil, fmt.Errorf("unseal: PolicyAuthorize: %w", policyErr(err))
	}
	if blob.PCR7 != nil {
		if _, err := (tpm2.PolicyPCR{PolicySession: sess.Handle(), Pcrs: selection(pcrLiteral)}).Execute(tpm); err != nil {
			return nil, fmt.Errorf("unseal: PolicyPCR(%d): %w", pcrLiteral, policyErr(err))
		}
	}
	out, err := tpm2.Unseal{
		ItemHandle: tpm2.AuthHandle{Handle: loaded.ObjectHandle, Name: loaded.Name, Auth: sess},
	}.Execute(tpm)
	if err != nil {
		return nil, fmt.Errorf("unseal: TPM2_Unseal: %w", policyErr(err))
	}
	return out.OutData.Buffer, nil
}

// findEntry returns the sha256 entry of sigs that pcrPub signed for the
// PCR 11 value pcr11.
func findEntry(sigs pcrsig.Signatures, pcrPub *rsa.PublicKey, pcr11 []byte) (pcrsig.Entry, error) {
	pol, err := pcrsig.PolicyPCRDigest(pcrsig.SHA256, []int{pcrSigned}, [][]byte{pcr11})
	if err != nil {
		return pcrsig.Entry{}, err
	}
	if e, ok := pcrsig.Find(sigs, pcrsig.SHA256, pcrPub, pol); ok {
		return e, nil
	}
	fp := pcrsig.Fingerprint(pcrPub)
	for _, e := range sigs[pcrsig.SHA256] {
		if bytes.Equal(e.Fingerprint, fp) {
			return pcrsig.Entry{}, fmt.Errorf("%w: PCR %d is %x, and none of the .pcrsig's %d sha256 entries signs a policy for it with the sealing key",
				ErrPolicy, pcrSigned, pcr11, len(sigs[pcrsig.SHA256]))
		}
	}
	return pcrsig.Entry{}, fmt.Errorf("%w: no sha256 entry in the .pcrsig is signed by the sealing key %x", ErrSignature, fp)
}

// verifyInTPM loads pcrPub and has the TPM verify entry's signature over
// SHA-256(pol) (= H(approvedPolicy ‖ empty policyRef)), for the
// PolicyAuthorize ticket. It returns the ticket and the key's name.
func verifyInTPM(tpm transport.TPM, pcrPub *rsa.PublicKey, entry pcrsig.Entry) (*tpm2.TPMTTKVerified, tpm2.TPM2BName, error) {
	tmpl, err := keyTemplate(pcrPub)
	if err != nil {
		return nil, tpm2.TPM2BName{}, err
	}
	key, err := tpm2.LoadExternal{
		InPublic: tpm2.New2B(tmpl),
		// The owner hierarchy: TPM_RH_NULL would give a NULL ticket,
		// which PolicyAuthorize refuses.
		Hierarchy: tpm2.TPMRHOwner,
	}.Execute(tpm)
	if err != nil {
		return nil, tpm2.TPM2BName{}, fmt.Errorf("loading the PCR public key: %w", err)
	}
	defer flush(tpm, key.ObjectHandle)
	if want, _ := KeyName(pcrPub); !bytes.Equal(key.Name.Buffer, want) {
		return nil, tpm2.TPM2BName{}, fmt.Errorf("the TPM names the PCR public key %x, not %x", key.Name.Buffer, want)
	}
	aHash := sha256.Sum256(entry.Policy)
	rsp, err := tpm2.VerifySignature{
		KeyHandle: tpm2.NamedHandle{Handle: key.ObjectHandle, Name: key.Name},
		Digest:    tpm2.TPM2BDigest{Buffer: aHash[:]},
		Signature: tpm2.TPMTSignature{
			SigAlg: tpm2.TPMAlgRSASSA,
			Signature: tpm2.NewTPMUSignature(tpm2.TPMAlgRSASSA, &tpm2.TPMSSignatureRSA{
				Hash: tpm2.TPMAlgSHA256,
				Sig:  tpm2.TPM2BPublicKeyRSA{Buffer: entry.Signature},
			}),
		},
	}.Execute(tpm)
	if err != nil {
		if errors.Is(err, tpm2.TPMRCSignature) {
			return nil, tpm2.TPM2BName{}, fmt.Errorf("%w: the TPM refused the signature: %w", ErrSignature, err)
		}
		return nil, tpm2.TPM2BName{}, fmt.Errorf("verifying the PCR policy signature: %w", err)
	}
	return &rsp.Validation, key.Name, nil
}

// readPCR reads a PCR of the SHA-256 bank.
func readPCR(tpm transport.TPM, pcr uint) ([]byte, error) {
	rsp, err := tpm2.PCRRead{PCRSelectionIn: selection(pcr)}.Execute(tpm)
	if err != nil {
		return nil, fmt.Errorf("reading PCR %d: %w", pcr, err)
	}
	if len(rsp.PCRValues.Digests) != 1 || len(rsp.PCRValues.Digests[0].Buffer) != sha256.Size {
		return nil, fmt.Errorf("reading PCR %d: the TPM returned no SHA-256 value (no SHA-256 bank?)", pcr)
	}
	return rsp.PCRValues.Digests[0].Buffer, nil
}

// policyErr wraps TPM errors that mean "the PCRs do not satisfy the
// policy" with ErrPolicy: TPM_RC_POLICY_FAIL (Unseal with a session whose
// digest is not the authPolicy) and TPM_RC_VALUE (PolicyAuthorize with a
// session digest other than the approved policy).
func policyErr(err error) error {
	if errors.Is(err, tpm2.TPMRCPolicyFail) || errors.Is(err, tpm2.TPMRCValue) {
		return fmt.Errorf("%w: %w", ErrPolicy, err)
	}
	return err
}

func pcr7Note(pcr7 []byte) string {
	if pcr7 == nil {
		return ""
	}
	return fmt.Sprintf(" + PolicyPCR(7=%x)", pcr7)
}
