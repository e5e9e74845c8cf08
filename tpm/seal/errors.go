package seal

import "errors"

// Sentinel errors Unseal wraps, for callers that branch on why a secret
// stayed sealed; test with errors.Is.
var (
	// ErrPolicy: the PCR values do not satisfy the sealing policy (the
	// .pcrsig has no entry by the sealing key for the current PCR 11 value,
	// or the TPM refused a PCR check, e.g. literal PCR 7).
	ErrPolicy = errors.New("the PCR values do not satisfy the sealing policy")
	// ErrSignature: the PCR policy signature or key does not verify (a
	// .pcrsig signed by another key, an altered signature, or a public key
	// other than the one sealed to).
	ErrSignature = errors.New("the PCR policy signature does not verify with the sealing key")
)
