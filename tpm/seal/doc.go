// Package seal seals a secret to a TPM 2.0 under a signed PCR policy, the
// model of `systemd-cryptenroll --tpm2-public-key` (systemd 252 to 257):
// the sealed object's authPolicy is
//
//	PolicyAuthorize(name of the .pcrpkey key, empty policyRef)
//	[then PolicyPCR(7 = a literal value), when sealed with one]
//
// computed in software (Policy), so a secret sealed once unseals on every
// future UKI whose PCR 11 value the key holder signs into its .pcrsig
// (manx/tpm/pcrsig), and on no other. systemd orders PolicyAuthorize before
// PolicyPCR; so does Manx.
//
// Seal creates the storage root key (SRK) as a primary key in the owner
// hierarchy from a fixed template (Owner, ECC P-256 with AES-128-CFB, the
// attributes of the TCG provisioning guidance; the template systemd's
// tpm2_get_srk_template and tpm2_createprimary -G ecc use, unique empty),
// so the same TPM seed always gives the same SRK and nothing is persisted
// in the TPM. The owner hierarchy's auth value must be empty (a cleared
// TPM's and swtpm's default). Under it, it creates a keyedhash sealed-data object (fixedTPM,
// fixedParent; no userWithAuth, no auth value: the policy is the only way
// in), sending the secret encrypted in a session salted with the SRK. The
// Blob is the object's public and private areas, the pcrpkey fingerprint
// and the literal PCR 7 value if any; Marshal writes it in a small
// versioned binary format.
//
// Unseal reads PCR 11 (SHA-256 bank), picks the .pcrsig entry the key
// signed for that value (pol = PolicyPCRDigest(sha256, [11], PCR 11)),
// loads the key (TPM2_LoadExternal in the owner hierarchy) and has the TPM
// check the signature (TPM2_VerifySignature over SHA-256(pol), which is
// aHash = H(approvedPolicy ‖ policyRef) for an empty policyRef), then runs
// PolicyPCR(11), PolicyAuthorize(pol, ticket) and, if sealed so,
// PolicyPCR(7) in a policy session salted with the SRK and encrypting the
// response, and unseals. It fails with ErrPolicy when the PCRs do not
// satisfy the policy (no signed entry for the current PCR 11 value, or the
// TPM refuses a PCR check) and with ErrSignature when the .pcrsig or the
// key does not verify (signed by another key, altered); callers test with
// errors.Is. The guest prints "tpm: UNSEAL REFUSED (policy)" on ErrPolicy.
//
// The package imports go-tpm and manx/tpm/pcrsig only (no PE code): the
// guest init links it.
package seal
