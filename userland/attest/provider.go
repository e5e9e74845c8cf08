package attest

import (
	"errors"
	"fmt"
	"os"

	"github.com/google/go-sev-guest/client"
)

// QuoteProvider returns a raw SEV-SNP attestation report, optionally followed by
// its certificate table, for the given REPORT_DATA. go-sev-guest's
// client.QuoteProvider implementations and its testing fakes satisfy it.
type QuoteProvider interface {
	GetRawQuote(reportData [64]byte) ([]byte, error)
}

// ErrNotSNPGuest reports a machine with neither a configfs-tsm report interface
// backed by sev_guest nor /dev/sev-guest.
var ErrNotSNPGuest = errors.New("not an SEV-SNP guest")

// Paths of the guest interfaces to the AMD secure processor.
const (
	// ConfigFSTSMPath is the configfs-tsm report directory (Linux ≥ 6.7, CONFIG_TSM_REPORTS).
	ConfigFSTSMPath = "/sys/kernel/config/tsm/report"
	// SevGuestPath is the SEV guest device (CONFIG_SEV_GUEST).
	SevGuestPath = "/dev/sev-guest"
)

// Open returns the guest's quote provider: configfs-tsm if it is present and its
// provider is sev_guest, else /dev/sev-guest. Without either it returns
// ErrNotSNPGuest; with a device that cannot be used, an error naming it.
func Open() (QuoteProvider, error) {
	return open(ConfigFSTSMPath, SevGuestPath,
		func() bool { return (&client.LinuxConfigFsQuoteProvider{}).IsSupported() },
		func() error {
			d, err := client.OpenDevice()
			if err != nil {
				return err
			}
			return d.Close()
		})
}

// open is Open with the probes injected.
func open(tsmPath, devPath string, tsmSupported func() bool, openDev func() error) (QuoteProvider, error) {
	_, tsmErr := os.Stat(tsmPath)
	if tsmErr == nil && tsmSupported() {
		return &client.LinuxConfigFsQuoteProvider{}, nil
	}
	if _, err := os.Stat(devPath); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, ErrNotSNPGuest
		}
		return nil, fmt.Errorf("opening %s: %w", devPath, err)
	}
	if err := openDev(); err != nil {
		return nil, fmt.Errorf("opening %s: %w", devPath, err)
	}
	return &client.LinuxIoctlQuoteProvider{}, nil
}
