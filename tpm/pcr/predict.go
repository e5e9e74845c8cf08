package pcr

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"slices"

	"manx/firmware/varstore"
	"manx/tpm/eventlog"
)

// Event is one measurement the boot is expected to make.
type Event struct {
	PCR  int
	Type eventlog.EventType // the log record's type; 0 for boot phases
	// Description says what was measured, in the words of
	// eventlog.Event.Summary where the log carries the same thing.
	Description string
	Digests     Digests
	// Phase is the word of a boot phase the OS extends (systemd-pcrphase
	// style); such extends have no record in the firmware event log.
	Phase string
}

// Inputs are what the boot measures.
type Inputs struct {
	// UKI is the UKI as booted (ReadUKI of the signed file on the ESP).
	UKI *UKI
	// Vars is the variable store OVMF booted with (varstore.ParseRaw of the
	// .fd file). Secure Boot is on when the store enrolls a PK (and does
	// not disable SecureBootEnable), as OVMF derives it.
	Vars *varstore.Store
	// Authority is the db entry whose certificate verified the UKI's
	// signature (FindAuthority finds it). Required with Secure Boot on.
	Authority *varstore.SignatureEntry
	// Phases are the boot phase words the OS extends into PCR 11 after the
	// firmware is done, in order (for example "enter-initrd", "ready").
	Phases []string
	// Banks to predict; SHA-256 when empty. The UKI must carry digests
	// for every bank.
	Banks []eventlog.Alg
}

// ErrInputs marks inputs a prediction cannot work with.
var ErrInputs = errors.New("incomplete prediction inputs")

// banks returns the banks to predict.
func (in Inputs) banks() []eventlog.Alg {
	if len(in.Banks) == 0 {
		return []eventlog.Alg{eventlog.SHA256}
	}
	return in.Banks
}

// secureBoot reports whether OVMF will run with Secure Boot on.
func (in Inputs) secureBoot() bool {
	return in.Vars != nil && in.Vars.SecureBootStatus().SecureBoot
}

// needUKI checks that the UKI is there and has every bank.
func (in Inputs) needUKI() error {
	if in.UKI == nil {
		return fmt.Errorf("%w: no UKI", ErrInputs)
	}
	for _, a := range in.banks() {
		if _, ok := in.UKI.Authenticode[a]; !ok {
			return fmt.Errorf("%w: the UKI summary has no %s digests", ErrInputs, a)
		}
	}
	return nil
}

// Prediction is the expected measurements of PCRs 4, 7, 9 and 11.
type Prediction struct {
	Events []Event         // PCR 4, 7, 9, 11 in that order, each in measurement order
	PCRs   map[int]Digests // final values per PCR and bank
}

// PCRs lists the PCRs Predict covers.
var PCRs = []int{4, 7, 9, 11}

// Predict predicts PCRs 4, 7, 9 and 11.
func Predict(in Inputs) (*Prediction, error) {
	p := &Prediction{}
	for _, f := range []func(Inputs) ([]Event, error){Predict4, Predict7, Predict9, Predict11} {
		evs, err := f(in)
		if err != nil {
			return nil, err
		}
		p.Events = append(p.Events, evs...)
	}
	var err error
	if p.PCRs, err = Replay(p.Events, in.banks()); err != nil {
		return nil, err
	}
	return p, nil
}

// Replay extends every event, from zero, into its PCR in each bank.
func Replay(events []Event, banks []eventlog.Alg) (map[int]Digests, error) {
	pcrs := map[int]Digests{}
	for i, e := range events {
		if pcrs[e.PCR] == nil {
			pcrs[e.PCR] = Digests{}
			for _, a := range banks {
				pcrs[e.PCR][a] = make([]byte, a.Size())
			}
		}
		for _, a := range banks {
			d, ok := e.Digests[a]
			if !ok {
				return nil, fmt.Errorf("replaying prediction: event %d (PCR %d, %s) has no %s digest", i, e.PCR, e.Description, a)
			}
			v, err := eventlog.Extend(a, pcrs[e.PCR][a], d)
			if err != nil {
				return nil, fmt.Errorf("replaying prediction: event %d: %w", i, err)
			}
			pcrs[e.PCR][a] = v
		}
	}
	return pcrs, nil
}

// WriteValues prints the final values, one "pcrN <bank> <hex>" line per
// PCR and bank, PCRs ascending, banks in the order given.
func (p *Prediction) WriteValues(w io.Writer, banks ...eventlog.Alg) error {
	if len(banks) == 0 {
		banks = []eventlog.Alg{eventlog.SHA256}
	}
	bw := bufio.NewWriter(w)
	var pcrs []int
	for n := range p.PCRs {
		pcrs = append(pcrs, n)
	}
	slices.Sort(pcrs)
	for _, n := range pcrs {
		for _, a := range banks {
			if d, ok := p.PCRs[n][a]; ok {
				fmt.Fprintf(bw, "pcr%d %s %x\n", n, a, d)
			}
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing PCR values: %w", err)
	}
	return nil
}

// Describe prints every predicted event, one per line (describeEvents).
func (p *Prediction) Describe(w io.Writer) error { return describeEvents(w, p.Events) }

// Line formats e like eventlog.Event.Line: "pcr=N TYPE bank=HEX what",
// with "phase" for the type of a boot phase.
func (e Event) Line(a eventlog.Alg) string {
	typ := e.Type.String()
	if e.Phase != "" {
		typ = "phase"
	}
	hex := "-"
	if d, ok := e.Digests[a]; ok {
		hex = fmt.Sprintf("%x", d)
	}
	return fmt.Sprintf("pcr=%d %s %s=%s %s", e.PCR, typ, a, hex, e.Description)
}

// describeEvents prints events one per line, showing the SHA-256 digest
// (or the first bank's when an event has no SHA-256 digest).
func describeEvents(w io.Writer, events []Event) error {
	bw := bufio.NewWriter(w)
	for _, e := range events {
		a := eventlog.SHA256
		if _, ok := e.Digests[a]; !ok {
			for b := range e.Digests {
				if a == eventlog.SHA256 || b < a {
					a = b
				}
			}
		}
		fmt.Fprintln(bw, e.Line(a))
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("describing predicted events: %w", err)
	}
	return nil
}

// describeWith predicts with f and describes the result.
func describeWith(w io.Writer, in Inputs, f func(Inputs) ([]Event, error)) error {
	evs, err := f(in)
	if err != nil {
		return err
	}
	return describeEvents(w, evs)
}
