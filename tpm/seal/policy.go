package seal

import (
	"crypto/rsa"
	"crypto/sha256"
	"fmt"

	"github.com/google/go-tpm/tpm2"
)

// Banks and PCRs of the policy.
const (
	pcrSigned  = 11 // signed through .pcrsig
	pcrLiteral = 7  // optional literal value (Secure Boot policy)
)

// keyTemplate is the public area TPM2_LoadExternal loads an RSA .pcrpkey
// as: systemd's tpm2_tpm2b_public_from_openssl_pkey (nameAlg SHA-256,
// decrypt|sign|userWithAuth, no scheme or symmetric, the key's size and
// exponent). The key's TPM name, and so the sealing policy, depends on
// every field: do not change it.
func keyTemplate(pub *rsa.PublicKey) (tpm2.TPMTPublic, error) {
	if pub == nil || pub.N == nil {
		return tpm2.TPMTPublic{}, fmt.Errorf("no PCR public key")
	}
	if pub.E <= 0 || pub.E > 1<<32-1 {
		return tpm2.TPMTPublic{}, fmt.Errorf("RSA exponent %d does not fit a TPM", pub.E)
	}
	bits := pub.N.BitLen()
	if bits%8 != 0 || bits > 1<<16-1 {
		return tpm2.TPMTPublic{}, fmt.Errorf("RSA key of %d bits does not fit a TPM", bits)
	}
	return tpm2.TPMTPublic{
		Type:    tpm2.TPMAlgRSA,
		NameAlg: tpm2.TPMAlgSHA256,
		ObjectAttributes: tpm2.TPMAObject{
			Decrypt:      true,
			SignEncrypt:  true,
			UserWithAuth: true,
		},
		Parameters: tpm2.NewTPMUPublicParms(tpm2.TPMAlgRSA, &tpm2.TPMSRSAParms{
			Symmetric: tpm2.TPMTSymDefObject{Algorithm: tpm2.TPMAlgNull},
			Scheme:    tpm2.TPMTRSAScheme{Scheme: tpm2.TPMAlgNull},
			KeyBits:   tpm2.TPMKeyBits(bits),
			Exponent:  uint32(pub.E),
		}),
		Unique: tpm2.NewTPMUPublicID(tpm2.TPMAlgRSA, &tpm2.TPM2BPublicKeyRSA{Buffer: pub.N.FillBytes(make([]byte, bits/8))}),
	}, nil
}

// KeyName returns the TPM name of the .pcrpkey key as TPM2_LoadExternal
// loads it: 0x000B ‖ SHA-256(TPMT_PUBLIC).
func KeyName(pub *rsa.PublicKey) ([]byte, error) {
	t, err := keyTemplate(pub)
	if err != nil {
		return nil, err
	}
	name, err := tpm2.ObjectName(&t)
	if err != nil {
		return nil, fmt.Errorf("naming the PCR public key: %w", err)
	}
	return name.Buffer, nil
}

// Policy returns the sealed object's authPolicy, computed in software:
// PolicyAuthorize(KeyName(pcrPub), empty policyRef), then, if pcr7 is not
// nil, PolicyPCR(7 of the SHA-256 bank = pcr7).
func Policy(pcrPub *rsa.PublicKey, pcr7 []byte) ([]byte, error) {
	name, err := KeyName(pcrPub)
	if err != nil {
		return nil, err
	}
	calc, err := tpm2.NewPolicyCalculator(tpm2.TPMAlgSHA256)
	if err != nil {
		return nil, err
	}
	// go-tpm's PolicyAuthorize.Update does not reset the digest as the TPM
	// does; it starts at zero here, so the result is the same.
	if err := (tpm2.PolicyAuthorize{KeySign: tpm2.TPM2BName{Buffer: name}}).Update(calc); err != nil {
		return nil, fmt.Errorf("policy: %w", err)
	}
	if pcr7 != nil {
		if len(pcr7) != sha256.Size {
			return nil, fmt.Errorf("PCR 7 value is %d bytes, want %d (SHA-256)", len(pcr7), sha256.Size)
		}
		d := sha256.Sum256(pcr7)
		if err := (tpm2.PolicyPCR{PcrDigest: tpm2.TPM2BDigest{Buffer: d[:]}, Pcrs: selection(pcrLiteral)}).Update(calc); err != nil {
			return nil, fmt.Errorf("policy: %w", err)
		}
	}
	return calc.Hash().Digest, nil
}

// selection selects one PCR of the SHA-256 bank (3-byte bitmap).
func selection(pcr uint) tpm2.TPMLPCRSelection {
	return tpm2.TPMLPCRSelection{PCRSelections: []tpm2.TPMSPCRSelection{{
		Hash:      tpm2.TPMAlgSHA256,
		PCRSelect: tpm2.PCClientCompatible.PCRs(pcr),
	}}}
}
