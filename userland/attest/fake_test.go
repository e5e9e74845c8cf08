package attest

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/google/go-sev-guest/abi"
	sgtest "github.com/google/go-sev-guest/testing"
	"github.com/google/go-sev-guest/verify/trust"
)

// testNow is the fake clock: certificates are created and checked at this time.
var testNow = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

var (
	goodMeasurement = mustMeasurement("60981ed72f7f7300f2952909867a5a5f7f8fb4088999dcbdd80d165206ee478c45e41f9f6c723799808d117a2e70b949")
	nonce           = []byte("manx nonce 0001")
	// policyNoDebug is SMT allowed, reserved bit 17 set, debug clear.
	policyNoDebug = abi.SnpPolicyToBytes(abi.SnpPolicy{SMT: true})
	policyDebug   = abi.SnpPolicyToBytes(abi.SnpPolicy{SMT: true, Debug: true})
)

func mustMeasurement(s string) []byte {
	m, err := ParseMeasurement([]byte(s))
	if err != nil {
		panic(err)
	}
	return m
}

// report is what the fake AMD-SP puts into a report.
type report struct {
	reportData  [64]byte
	measurement []byte
	policy      uint64
}

func rawReport(r report) [abi.ReportSize]byte {
	raw := sgtest.CreateRawReport(&sgtest.TestReportOptions{ReportData: r.reportData[:]})
	binary.LittleEndian.PutUint64(raw[0x08:], r.policy)
	copy(raw[0x90:0xC0], r.measurement)
	var out [abi.ReportSize]byte
	copy(out[:], raw[:abi.ReportSize])
	return out
}

// fakeSP returns a fake AMD-SP (go-sev-guest's TcQuoteProvider, which signs with
// a fake VCEK) that answers a request for REPORT_DATA in with the report out, and
// the roots that trust its fake ARK/ASK.
func fakeSP(t *testing.T, answers map[[64]byte]report) (*sgtest.QuoteProvider, map[string][]*trust.AMDRootCerts) {
	t.Helper()
	var tcs []sgtest.TestCase
	for in, r := range answers {
		tc := sgtest.TestCase{Name: "case", Input: in}
		raw := rawReport(r)
		copy(tc.Output[:], raw[:])
		tcs = append(tcs, tc)
	}
	qp, err := sgtest.TcQuoteProvider(tcs, &sgtest.DeviceOptions{Now: testNow, Product: abi.DefaultSevProduct()})
	if err != nil {
		t.Fatalf("creating fake AMD-SP: %v", err)
	}
	s := qp.Device.Signer
	roots := map[string][]*trust.AMDRootCerts{"Milan": {{
		Product: "Milan", ProductLine: "Milan",
		ProductCerts: &trust.ProductCerts{Ark: s.Ark, Ask: s.Ask, Asvk: s.Asvk},
	}}}
	return qp, roots
}

// tamper flips a bit of MEASUREMENT after the fake AMD-SP signed the report.
type tamper struct{ QuoteProvider }

func (p tamper) GetRawQuote(rd [64]byte) ([]byte, error) {
	raw, err := p.QuoteProvider.GetRawQuote(rd)
	if err == nil {
		raw[0x90] ^= 1
	}
	return raw, err
}

// failing is a provider whose device errors.
type failing struct{ err error }

func (p failing) GetRawQuote([64]byte) ([]byte, error) { return nil, p.err }
