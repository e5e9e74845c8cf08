package pcrsig

import (
	"crypto"
	"crypto/rsa"
	"fmt"
)

// PCR is the PCR systemd-stub measures the UKI into and .pcrsig signs.
const PCR = 11

// Sign returns a .pcrsig (the JSON bytes, as Signatures.Marshal writes
// them) with one bank, bankName, holding one entry per expected PCR 11
// value, in the order given (one per boot-phase path): pol is
// PolicyPCRDigest(bankName, [11], value), sig RSASSA-PKCS1-v1_5 over pol
// with the bank's hash, pkfp the key's Fingerprint. The output is
// deterministic.
func Sign(key crypto.Signer, bankName string, pcr11Values [][]byte) ([]byte, error) {
	entries, err := SignEntries(key, bankName, pcr11Values)
	if err != nil {
		return nil, err
	}
	return Signatures{bankName: entries}.Marshal()
}

// SignEntries returns Sign's entries, for callers that merge banks or keys
// into one Signatures.
func SignEntries(key crypto.Signer, bankName string, pcr11Values [][]byte) ([]Entry, error) {
	if k, isRSA := key.(*rsa.PrivateKey); key == nil || isRSA && k == nil {
		return nil, fmt.Errorf("pcrsig: no signing key")
	}
	b, err := lookupBank(bankName)
	if err != nil {
		return nil, fmt.Errorf("pcrsig: %w", err)
	}
	if len(pcr11Values) == 0 {
		return nil, fmt.Errorf("pcrsig: no PCR %d values to sign", PCR)
	}
	if len(pcr11Values) > MaxEntries {
		return nil, fmt.Errorf("pcrsig: %d PCR %d values, more than %d", len(pcr11Values), PCR, MaxEntries)
	}
	pub, ok := key.Public().(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("pcrsig: a %T signing key, want RSA", key.Public())
	}
	if n := pub.N.BitLen(); n < MinKeyBits || n > MaxKeyBits {
		return nil, fmt.Errorf("pcrsig: RSA key of %d bits, want %d to %d", n, MinKeyBits, MaxKeyBits)
	}
	fp := Fingerprint(pub)
	var entries []Entry
	for i, v := range pcr11Values {
		pol, err := PolicyPCRDigest(bankName, []int{PCR}, [][]byte{v})
		if err != nil {
			return nil, fmt.Errorf("pcrsig: value %d: %w", i, err)
		}
		// RSASSA-PKCS1-v1_5 is deterministic: no randomness is read.
		sig, err := key.Sign(nil, digest(b.hash, pol), b.hash)
		if err != nil {
			return nil, fmt.Errorf("pcrsig: signing value %d: %w", i, err)
		}
		entries = append(entries, Entry{PCRs: []int{PCR}, Fingerprint: fp, Policy: pol, Signature: sig})
	}
	return entries, nil
}

// Verify checks e's signature over its pol with pub and bank bankName's
// hash (what TPM2_VerifySignature checks before PolicyAuthorize).
func Verify(pub *rsa.PublicKey, bankName string, e Entry) error {
	b, err := lookupBank(bankName)
	if err != nil {
		return fmt.Errorf("pcrsig: %w", err)
	}
	if err := rsa.VerifyPKCS1v15(pub, b.hash, digest(b.hash, e.Policy), e.Signature); err != nil {
		return fmt.Errorf("pcrsig: %s signature over pol %x: %w", bankName, e.Policy, err)
	}
	return nil
}

func digest(h crypto.Hash, b []byte) []byte {
	w := h.New()
	w.Write(b)
	return w.Sum(nil)
}
