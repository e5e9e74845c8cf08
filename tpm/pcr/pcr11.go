package pcr

import (
	"fmt"
	"io"

	"manx/tpm/eventlog"
)

// Predict11 predicts PCR 11 as systemd-stub 254 extends it, then the boot
// phases. For each section in the stub's order (stubSections; .pcrsig is
// never measured) that is present and not empty, two EV_IPL events whose
// data is the section name in UTF-16LE (systemd v254 src/boot/efi/stub.c
// run(), tpm_log_event_ascii):
//
//  1. the digest of the name in ASCII with its NUL (".linux\0");
//  2. the digest of the section's VirtualSize bytes.
//
// Then one extend per phase word in Inputs.Phases, the digest of the word
// without NUL, as systemd-pcrphase does (systemd-measure's --phase); these
// come from the OS, so the firmware event log does not hold them.
func Predict11(in Inputs) ([]Event, error) {
	if err := in.needUKI(); err != nil {
		return nil, fmt.Errorf("predicting PCR 11: %w", err)
	}
	evs, err := SectionEvents(in.UKI.Sections, in.banks())
	if err != nil {
		return nil, fmt.Errorf("predicting PCR 11: %w", err)
	}
	for _, p := range in.Phases {
		if p == "" {
			return nil, fmt.Errorf("predicting PCR 11: %w: empty boot phase", ErrInputs)
		}
		d, err := sum(in.banks(), []byte(p))
		if err != nil {
			return nil, fmt.Errorf("predicting PCR 11: %w", err)
		}
		evs = append(evs, Event{PCR: 11, Phase: p, Description: fmt.Sprintf("%q (boot phase, extended by the OS)", p), Digests: d})
	}
	return evs, nil
}

// SectionEvents returns systemd-stub 254's PCR 11 events for sections,
// which may come in any order and may include sections 254 does not
// measure (.pcrsig, unknown names; both are skipped). Callers emulating an
// older stub pass fewer sections (systemd 252 measures neither .uname nor
// .sbat).
func SectionEvents(sections []Section, banks []eventlog.Alg) ([]Event, error) {
	var evs []Event
	for _, name := range stubSections {
		if name == ".pcrsig" {
			continue
		}
		var s Section
		found := false
		for _, c := range sections {
			if c.Name == name {
				s, found = c, true
			}
		}
		if !found || s.Size == 0 {
			continue
		}
		nd, err := sum(banks, []byte(name+"\x00"))
		if err != nil {
			return nil, err
		}
		for _, a := range banks {
			if _, ok := s.Digests[a]; !ok {
				return nil, fmt.Errorf("%w: no %s digest of section %s", ErrInputs, a, name)
			}
		}
		evs = append(evs,
			Event{PCR: 11, Type: eventlog.EvIPL, Description: fmt.Sprintf("%q (section name)", name), Digests: nd},
			Event{PCR: 11, Type: eventlog.EvIPL, Description: fmt.Sprintf("%q (section data, %d bytes)", name, s.Size), Digests: s.Digests})
	}
	return evs, nil
}

// Describe11 prints the events Predict11 expects, one per line.
func Describe11(w io.Writer, in Inputs) error { return describeWith(w, in, Predict11) }
