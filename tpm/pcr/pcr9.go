package pcr

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf16"

	"manx/tpm/eventlog"
)

// Tagged events of the Linux EFI stub (drivers/firmware/efi/libstub
// efistub.h and efi-stub-helper.c, Linux 6.12): event IDs and descriptions
// (NUL included, as the stub logs sizeof the string).
const (
	loadOptionsTagID = 0x8F3B22ED
	initrdTagID      = 0x8F3B22EC
	loadOptionsTag   = "LOADED_IMAGE::LoadOptions\x00"
	initrdTag        = "Linux initrd\x00"
)

// LoadOptions returns the bytes systemd-stub 254 hands the kernel as
// LoadOptions for a UKI whose .cmdline is cmdline, when the firmware passes
// it no load options of its own (OVMF's default boot options have none) or
// Secure Boot is on: the text up to its first NUL, decoded from UTF-8 to
// UTF-16 with characters outside the BMP dropped (efi-string.c
// xstrn8_to_16), control characters turned into spaces and trailing spaces
// cut (util.c mangle_stub_cmdline), as UTF-16LE including the terminating
// NUL (linux.c: LoadOptionsSize = strsize16). The Linux EFI stub measures
// exactly these bytes (efi_convert_cmdline). Verified against the captured
// log: see testdata/capture/README.md.
func LoadOptions(cmdline string) []byte {
	if i := strings.IndexByte(cmdline, 0); i >= 0 {
		cmdline = cmdline[:i]
	}
	var u []uint16
	for _, r := range cmdline {
		if r <= 0xffff && !utf16.IsSurrogate(r) {
			u = append(u, uint16(r))
		}
	}
	for i, c := range u {
		if c <= 0x1f {
			u[i] = ' '
		}
	}
	for len(u) > 0 && u[len(u)-1] == ' ' {
		u = u[:len(u)-1]
	}
	b := make([]byte, 0, 2*len(u)+2)
	for _, c := range u {
		b = append(b, byte(c), byte(c>>8))
	}
	return append(b, 0, 0)
}

// Predict9 predicts PCR 9 as the Linux 6.12 EFI stub extends it, both as
// EV_EVENT_TAG events (efi_measure_tagged_event):
//
//  1. "LOADED_IMAGE::LoadOptions": the load options systemd-stub passes
//     (LoadOptions), when the UKI has a .cmdline;
//  2. "Linux initrd": the whole initrd systemd-stub serves through
//     LoadFile2, when there is one (UKI.Initrd; ReadUKI computes it: the
//     .initrd section and, for a UKI with .pcrsig or .pcrpkey, the cpio
//     archives the stub appends, see stubInitrd).
func Predict9(in Inputs) ([]Event, error) {
	if err := in.needUKI(); err != nil {
		return nil, fmt.Errorf("predicting PCR 9: %w", err)
	}
	banks := in.banks()
	var evs []Event
	if _, ok := in.UKI.Section(".cmdline"); ok {
		opts := LoadOptions(in.UKI.Cmdline)
		d, err := sum(banks, opts)
		if err != nil {
			return nil, fmt.Errorf("predicting PCR 9: %w", err)
		}
		evs = append(evs, Event{PCR: 9, Type: eventlog.EvEventTag, Digests: d,
			Description: fmt.Sprintf(`tag=%#08x "LOADED_IMAGE::LoadOptions" (%q as UTF-16LE with NUL, %d bytes)`,
				loadOptionsTagID, strings.TrimSuffix(eventlog.DecodeUTF16(opts), "\x00"), len(opts))})
	}
	if in.UKI.Initrd.Size > 0 {
		for _, a := range banks {
			if _, ok := in.UKI.Initrd.Digests[a]; !ok {
				return nil, fmt.Errorf("predicting PCR 9: %w: no %s digest of the initrd", ErrInputs, a)
			}
		}
		evs = append(evs, Event{PCR: 9, Type: eventlog.EvEventTag, Digests: in.UKI.Initrd.Digests,
			Description: fmt.Sprintf(`tag=%#08x "Linux initrd" (%d bytes)`, initrdTagID, in.UKI.Initrd.Size)})
	}
	return evs, nil
}

// Describe9 prints the events Predict9 expects, one per line.
func Describe9(w io.Writer, in Inputs) error { return describeWith(w, in, Predict9) }
