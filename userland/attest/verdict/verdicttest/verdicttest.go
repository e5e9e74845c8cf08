// Package verdicttest makes SEV-SNP attestation reports signed by
// go-sev-guest's fake AMD secure processor, for tests of manx/userland/attest
// and manx-measure verify-report: a report with chosen fields, its
// certificate table, and the fake ARK/ASK to trust.
package verdicttest

import (
	"bytes"
	"encoding/binary"
	"encoding/pem"
	"testing"
	"time"

	"github.com/google/go-sev-guest/abi"
	"github.com/google/go-sev-guest/kds"
	sgtest "github.com/google/go-sev-guest/testing"
	"github.com/google/go-sev-guest/verify/trust"
)

// Issued is when the fake certificates were issued (the VCEK is valid for 7 years).
var Issued = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

// Now is a time at which every fake certificate is valid.
var Now = Issued.Add(24 * time.Hour)

// MilanFMS is the CPUID 1 EAX of an EPYC Milan (family 25, model 1, stepping 1).
const MilanFMS = 0x00a00f11

// Default values of a fake report.
var (
	// TCB is the TCB of the fake VCEK and, by default, of the report: bootloader 3, tee 0, snp 8, microcode 115.
	TCB = kds.TCBParts{BlSpl: 3, TeeSpl: 0, SnpSpl: 8, UcodeSpl: 115}
	// ChipID is the fake VCEK's hardware ID and, by default, the report's CHIP_ID.
	ChipID = bytes.Repeat([]byte{0xc1}, abi.ChipIDSize)
	// GoodPolicy is SMT allowed, debug and migration agent off.
	GoodPolicy = abi.SnpPolicyToBytes(abi.SnpPolicy{SMT: true})
)

// TCBValue is TCB as a TCB_VERSION.
func TCBValue() uint64 {
	v, err := kds.ComposeTCBParts(TCB)
	if err != nil {
		panic(err)
	}
	return uint64(v)
}

// Report holds the fields of a fake report that tests vary.
type Report struct {
	ReportData  [abi.ReportDataSize]byte
	Measurement []byte
	// Policy is the guest policy (0: GoodPolicy).
	Policy uint64
	VMPL   uint32
	// ReportedTCB is REPORTED_TCB (0: TCBValue()); CURRENT, COMMITTED and
	// LAUNCH_TCB are TCBValue().
	ReportedTCB uint64
	// ChipID is CHIP_ID (nil: ChipID).
	ChipID []byte
}

// Signer is the fake AMD secure processor.
type Signer struct{ *sgtest.AmdSigner }

// NewSigner returns a fake AMD-SP whose VCEK certifies TCB and ChipID.
func NewSigner(t testing.TB) *Signer {
	t.Helper()
	product := kds.ProductName(abi.DefaultSevProduct())
	b := &sgtest.AmdSignerBuilder{
		Keys:             sgtest.DefaultAmdKeys(),
		ProductName:      product,
		CSPID:            "go-sev-guest",
		ArkCreationTime:  Issued,
		AskCreationTime:  Issued,
		AsvkCreationTime: Issued,
		VcekCreationTime: Issued,
		VlekCreationTime: Issued,
		VcekCustom:       sgtest.CertOverride{Extensions: sgtest.CustomExtensions(TCB, ChipID, "", product)},
	}
	s, err := b.TestOnlyCertChain()
	if err != nil {
		t.Fatalf("creating the fake AMD certificate chain: %v", err)
	}
	return &Signer{s}
}

// Sign returns the signed raw report (abi.ReportSize bytes, version 3, Milan)
// and the certificate table (ARK, ASK, VCEK, …) in the format of the
// extended-report ABI and configfs-tsm's auxblob.
func (s *Signer) Sign(t testing.TB, r Report) (report, certs []byte) {
	t.Helper()
	raw := sgtest.CreateRawReport(&sgtest.TestReportOptions{ReportData: r.ReportData[:], Version: 3, FMS: MilanFMS})
	out := raw[:abi.ReportSize]
	policy := r.Policy
	if policy == 0 {
		policy = GoodPolicy
	}
	tcb := TCBValue()
	reported := r.ReportedTCB
	if reported == 0 {
		reported = tcb
	}
	chip := r.ChipID
	if chip == nil {
		chip = ChipID
	}
	le := binary.LittleEndian
	le.PutUint64(out[0x08:], policy)
	le.PutUint32(out[0x30:], r.VMPL)
	le.PutUint64(out[0x38:], tcb) // CURRENT_TCB
	copy(out[0x90:0xC0], r.Measurement)
	le.PutUint64(out[0x180:], reported)
	copy(out[0x1A0:0x1E0], chip)
	le.PutUint64(out[0x1E0:], tcb) // COMMITTED_TCB
	le.PutUint64(out[0x1F0:], tcb) // LAUNCH_TCB
	rr, ss, err := s.AmdSigner.Sign(abi.SignedComponent(out))
	if err != nil {
		t.Fatalf("signing the fake report: %v", err)
	}
	if err := abi.SetSignature(rr, ss, out); err != nil {
		t.Fatalf("signing the fake report: %v", err)
	}
	certs, err = s.CertTableBytes()
	if err != nil {
		t.Fatalf("encoding the fake certificate table: %v", err)
	}
	return out, certs
}

// Roots returns the fake ARK and ASK as trusted roots.
func (s *Signer) Roots() map[string][]*trust.AMDRootCerts {
	line := "Milan"
	return map[string][]*trust.AMDRootCerts{line: {{
		Product: line, ProductLine: line,
		ProductCerts: &trust.ProductCerts{Ark: s.Ark, Ask: s.Ask, Asvk: s.Asvk},
	}}}
}

// RootsPEM returns the fake ASK and ARK in the format of AMD's key distribution service.
func (s *Signer) RootsPEM() []byte {
	var b bytes.Buffer
	pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: s.Ask.Raw})
	pem.Encode(&b, &pem.Block{Type: "CERTIFICATE", Bytes: s.Ark.Raw})
	return b.Bytes()
}

// BreakVCEK returns certs with the last byte of the VCEK certificate (in its
// signature) flipped: the certificate still parses, but the chain from the
// VCEK to the ASK no longer verifies.
func BreakVCEK(t testing.TB, certs []byte) []byte {
	t.Helper()
	var table abi.CertTable
	if err := table.Unmarshal(certs); err != nil {
		t.Fatalf("parsing the certificate table: %v", err)
	}
	for i, e := range table.Entries {
		if e.GUID.String() == abi.VcekGUID {
			c := bytes.Clone(e.RawCert)
			c[len(c)-1] ^= 1
			table.Entries[i].RawCert = c
			return table.Marshal()
		}
	}
	t.Fatal("certificate table without a VCEK")
	return nil
}
