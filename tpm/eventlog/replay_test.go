package eventlog

import (
	"bytes"
	"crypto/sha256"
	"strings"
	"testing"
)

// extendAll folds SHA-256 extends over digests from start.
func extendAll(start []byte, digests ...[]byte) []byte {
	v := start
	for _, d := range digests {
		h := sha256.Sum256(append(bytes.Clone(v), d...))
		v = h[:]
	}
	return v
}

func sum(s string) []byte { h := sha256.Sum256([]byte(s)); return h[:] }

func TestReplay(t *testing.T) {
	l := testLog(t)
	got, err := Replay(l, SHA256)
	if err != nil {
		t.Fatalf("Replay() = %v", err)
	}
	zero := make([]byte, 32)
	locality3 := make([]byte, 32)
	locality3[31] = 3
	sep := string([]byte{0, 0, 0, 0})
	sbVar, _ := l.Events[4].Digest(SHA256)
	want := map[int][]byte{
		// StartupLocality 3: PCR 0 starts at 00…03; the EV_NO_ACTION events are not extended.
		0:  extendAll(locality3, sum(string(EncodeUTF16("1.00\x00"))), sum("firmware volume")),
		4:  extendAll(zero, sum("Calling EFI Application from Boot Option"), sum(sep), sum("authenticode")),
		5:  extendAll(zero, sum("Exit Boot Services Invocation")),
		7:  extendAll(zero, sbVar, sum(sep)),
		9:  extendAll(zero, sum("options")),
		11: extendAll(zero, sum(".linux\x00")),
	}
	if len(got) != len(want) {
		t.Errorf("Replay() has PCRs %v, want %d PCRs", keys(got), len(want))
	}
	for pcr, w := range want {
		if !bytes.Equal(got[pcr], w) {
			t.Errorf("Replay() PCR %d = %x, want %x", pcr, got[pcr], w)
		}
	}
	sha1, err := Replay(l, SHA1)
	if err != nil || len(sha1[4]) != 20 {
		t.Errorf("Replay(SHA1) PCR 4 = %x, %v", sha1[4], err)
	}
}

func keys(m map[int][]byte) []int {
	var k []int
	for i := range m {
		k = append(k, i)
	}
	return k
}

func TestReplayErrors(t *testing.T) {
	l := testLog(t)
	if _, err := Replay(l, SHA384); err == nil || !strings.Contains(err.Error(), "no sha384 bank") {
		t.Errorf("Replay(SHA384) = %v, want a missing-bank error", err)
	}
	l.Events[5].Digests = l.Events[5].Digests[:1]
	if _, err := Replay(l, SHA256); err == nil || !strings.Contains(err.Error(), "event 5") {
		t.Errorf("Replay(event without SHA-256) = %v, want an error naming event 5", err)
	}
}

func TestExtend(t *testing.T) {
	zero := make([]byte, 32)
	got, err := Extend(SHA256, zero, sum("x"))
	if want := extendAll(zero, sum("x")); err != nil || !bytes.Equal(got, want) {
		t.Errorf("Extend() = %x, %v; want %x", got, err, want)
	}
	if _, err := Extend(SHA256, zero[:20], sum("x")); err == nil {
		t.Errorf("Extend(short PCR) = nil error")
	}
}
