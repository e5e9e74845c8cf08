package eventlog

import (
	"bytes"
	"fmt"
)

// Extend returns the PCR value after extending pcr with digest in bank a:
// H(pcr ‖ digest), as TPM2_PCR_Extend computes it.
func Extend(a Alg, pcr, digest []byte) ([]byte, error) {
	if len(pcr) != a.Size() || len(digest) != a.Size() {
		return nil, fmt.Errorf("extending %s PCR: value %d and digest %d bytes, want %d", a, len(pcr), len(digest), a.Size())
	}
	return a.Sum(pcr, digest)
}

// StartupLocality returns the locality the log's StartupLocality event
// records (PFP §10.4.5.3), and whether the log has one.
func (l *Log) StartupLocality() (byte, bool) {
	for _, e := range l.Events {
		if e.Type == EvNoAction && e.PCR == 0 && len(e.Data) > len(startupLocalitySignature) &&
			bytes.HasPrefix(e.Data, startupLocalitySignature) {
			return e.Data[len(startupLocalitySignature)], true
		}
	}
	return 0, false
}

// Replay returns the PCR values in bank a that the log's events produce:
// each PCR starts at zero and is extended with every event's digest, in log
// order. EV_NO_ACTION events are not extended; a StartupLocality event sets
// PCR 0's initial value to the locality in its last byte (…03 when the TPM
// was started from locality 3, as the PFP specifies). Only PCRs the log
// touches are in the map. It fails when an extended event has no digest for
// a, or a is a bank Go cannot hash.
func Replay(l *Log, a Alg) (map[int][]byte, error) {
	if !l.HasAlg(a) {
		return nil, fmt.Errorf("replaying event log: no %s bank in the log", a)
	}
	if _, ok := a.Hash(); !ok {
		return nil, fmt.Errorf("replaying event log: cannot compute %s", a)
	}
	pcrs := map[int][]byte{}
	if loc, ok := l.StartupLocality(); ok {
		v := make([]byte, a.Size())
		v[len(v)-1] = loc
		pcrs[0] = v
	}
	for _, e := range l.Events {
		if e.Type == EvNoAction {
			continue
		}
		d, ok := e.Digest(a)
		if !ok {
			return nil, fmt.Errorf("replaying event log: event %d (offset %d, PCR %d, %s) has no %s digest", e.Index, e.Offset, e.PCR, e.Type, a)
		}
		v, ok := pcrs[e.PCR]
		if !ok {
			v = make([]byte, a.Size())
		}
		next, err := Extend(a, v, d)
		if err != nil {
			return nil, fmt.Errorf("replaying event log: event %d: %w", e.Index, err)
		}
		pcrs[e.PCR] = next
	}
	return pcrs, nil
}
