package pcrsig

import (
	"bytes"
	"crypto/rsa"
)

// Find returns the entry of bank bankName in sigs that key pub signed (its
// pkfp is pub's Fingerprint) for the policy digest policy (its pol), and
// whether there is one. It does not check the signature (Verify does).
func Find(sigs Signatures, bankName string, pub *rsa.PublicKey, policy []byte) (Entry, bool) {
	fp := Fingerprint(pub)
	for _, e := range sigs[bankName] {
		if bytes.Equal(e.Fingerprint, fp) && bytes.Equal(e.Policy, policy) {
			return e, true
		}
	}
	return Entry{}, false
}
