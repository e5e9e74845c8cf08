package attest

import (
	"encoding/hex"
	"fmt"
	"strings"

	"manx/userland/attest/verdict"
)

// MeasurementSize is the size of a launch digest (SHA-384).
const MeasurementSize = 48

// ReportData returns the REPORT_DATA that binds a report to nonce: SHA-512(nonce).
func ReportData(nonce []byte) [64]byte {
	return verdict.ReportData(nonce)
}

// ParseMeasurement parses an expected launch digest: 96 hex digits, surrounding
// white space (such as a trailing newline) ignored.
func ParseMeasurement(b []byte) ([]byte, error) {
	s := strings.TrimSpace(string(b))
	if len(s) != 2*MeasurementSize {
		return nil, fmt.Errorf("parsing expected measurement: %d hex digits, want %d", len(s), 2*MeasurementSize)
	}
	m, err := hex.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("parsing expected measurement: %w", err)
	}
	return m, nil
}
