package pcrsig

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
)

// ccPolicyPCR is TPM_CC_PolicyPCR (TPM 2.0 Part 2, 6.5.2).
const ccPolicyPCR = 0x0000017F

// MaxPCR is the highest PCR a selection may name: a PC Client TPM has 24
// PCRs and systemd writes a 3-byte pcrSelect.
const MaxPCR = 23

// PolicyPCRDigest returns the TPM2_PolicyPCR policy digest for PCRs pcrs of
// bank having values (values[i] is the value of pcrs[i], bank-sized),
// computed in software from the all-zero starting digest with SHA-256 as
// the policy hash (TPM 2.0 Part 3, 23.7):
//
//	SHA-256(0³² ‖ TPM_CC_PolicyPCR ‖ TPML_PCR_SELECTION ‖ SHA-256(values in selection order))
//
// where the selection is count 1, the bank's TPM_ALG_ID, sizeofSelect 3 and
// the PCR bitmap, and "selection order" is ascending PCR index. It is the
// pol of a .pcrsig entry and what a policy session's digest is after
// TPM2_PolicyPCR when the PCRs hold values.
func PolicyPCRDigest(bankName string, pcrs []int, values [][]byte) ([]byte, error) {
	return policyPCR(make([]byte, sha256.Size), bankName, pcrs, values)
}

// policyPCR extends the policy digest prev with TPM2_PolicyPCR.
func policyPCR(prev []byte, bankName string, pcrs []int, values [][]byte) ([]byte, error) {
	b, err := lookupBank(bankName)
	if err != nil {
		return nil, err
	}
	if len(pcrs) == 0 {
		return nil, fmt.Errorf("policy PCR: no PCRs selected")
	}
	if len(values) != len(pcrs) {
		return nil, fmt.Errorf("policy PCR: %d PCRs but %d values", len(pcrs), len(values))
	}
	var bitmap [3]byte
	byPCR := map[int][]byte{}
	for i, p := range pcrs {
		if p < 0 || p > MaxPCR {
			return nil, fmt.Errorf("policy PCR: PCR %d out of range 0..%d", p, MaxPCR)
		}
		if _, dup := byPCR[p]; dup {
			return nil, fmt.Errorf("policy PCR: PCR %d selected twice", p)
		}
		if len(values[i]) != b.hash.Size() {
			return nil, fmt.Errorf("policy PCR: PCR %d value is %d bytes, want %d for %s", p, len(values[i]), b.hash.Size(), bankName)
		}
		byPCR[p] = values[i]
		bitmap[p/8] |= 1 << (p % 8)
	}
	// The TPM concatenates the selected PCRs in ascending order.
	pcrDigest := sha256.New()
	for p := 0; p <= MaxPCR; p++ {
		if v, ok := byPCR[p]; ok {
			pcrDigest.Write(v)
		}
	}
	h := sha256.New()
	h.Write(prev)
	h.Write(binary.BigEndian.AppendUint32(nil, ccPolicyPCR))
	h.Write(binary.BigEndian.AppendUint32(nil, 1)) // TPML_PCR_SELECTION.count
	h.Write(binary.BigEndian.AppendUint16(nil, b.alg))
	h.Write([]byte{byte(len(bitmap))})
	h.Write(bitmap[:])
	h.Write(pcrDigest.Sum(nil))
	return h.Sum(nil), nil
}
