package seal

import (
	"crypto/rsa"
	"errors"
	"fmt"

	"github.com/google/go-tpm/tpm2"
	"github.com/google/go-tpm/tpm2/transport"

	"manx/tpm/pcrsig"
)

// MaxSecretSize is the most a sealed-data object holds (MAX_SYM_DATA).
const MaxSecretSize = 128

// Seal seals secret (1 to MaxSecretSize bytes) to tpm under the policy
// PolicyAuthorize(pcrPub) and, if pcr7 is not nil, PolicyPCR(7 = pcr7)
// (a SHA-256 value): it unseals while PCR 11 holds a value pcrPub's holder
// signed into a .pcrsig (and PCR 7 equals pcr7). Nothing stays in the TPM.
func Seal(tpm transport.TPM, secret []byte, pcrPub *rsa.PublicKey, pcr7 []byte) (Blob, error) {
	if len(secret) == 0 || len(secret) > MaxSecretSize {
		return Blob{}, fmt.Errorf("seal: secret is %d bytes, want 1 to %d", len(secret), MaxSecretSize)
	}
	policy, err := Policy(pcrPub, pcr7)
	if err != nil {
		return Blob{}, fmt.Errorf("seal: %w", err)
	}
	s, err := createSRK(tpm)
	if err != nil {
		return Blob{}, fmt.Errorf("seal: %w", err)
	}
	defer flush(tpm, s.handle)

	rsp, err := tpm2.Create{
		ParentHandle: tpm2.AuthHandle{
			Handle: s.handle,
			Name:   s.name,
			// The secret travels encrypted to the SRK.
			Auth: tpm2.HMAC(tpm2.TPMAlgSHA256, 16, tpm2.Salted(s.handle, s.public), tpm2.AESEncryption(128, tpm2.EncryptIn)),
		},
		InSensitive: tpm2.TPM2BSensitiveCreate{Sensitive: &tpm2.TPMSSensitiveCreate{
			Data: tpm2.NewTPMUSensitiveCreate(&tpm2.TPM2BSensitiveData{Buffer: secret}),
		}},
		InPublic: tpm2.New2B(tpm2.TPMTPublic{
			Type:    tpm2.TPMAlgKeyedHash,
			NameAlg: tpm2.TPMAlgSHA256,
			// systemd's sealed objects: fixed to this TPM and parent; no
			// userWithAuth, so only the policy opens it.
			ObjectAttributes: tpm2.TPMAObject{FixedTPM: true, FixedParent: true},
			AuthPolicy:       tpm2.TPM2BDigest{Buffer: policy},
			Parameters: tpm2.NewTPMUPublicParms(tpm2.TPMAlgKeyedHash, &tpm2.TPMSKeyedHashParms{
				Scheme: tpm2.TPMTKeyedHashScheme{Scheme: tpm2.TPMAlgNull},
			}),
		}),
	}.Execute(tpm)
	if err != nil {
		return Blob{}, fmt.Errorf("seal: creating the sealed object: %w", err)
	}
	pub := tpm2.Marshal(rsp.OutPublic)
	if len(pub) < 2 {
		return Blob{}, errors.New("seal: the TPM returned no public area")
	}
	b := Blob{
		Public:         pub[2:], // without the TPM2B size
		Private:        rsp.OutPrivate.Buffer,
		KeyFingerprint: pcrsig.Fingerprint(pcrPub),
	}
	if pcr7 != nil {
		b.PCR7 = append([]byte{}, pcr7...)
	}
	if err := b.validate(); err != nil {
		return Blob{}, fmt.Errorf("seal: %w", err)
	}
	return b, nil
}
