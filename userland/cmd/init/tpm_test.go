package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fakeTPM extends in software.
type fakeTPM struct {
	pcrs map[string]map[int][]byte
}

func newFakeTPM(banks ...string) *fakeTPM {
	f := &fakeTPM{pcrs: map[string]map[int][]byte{}}
	for _, b := range banks {
		f.pcrs[b] = map[int][]byte{}
	}
	return f
}

func (f *fakeTPM) banks() ([]string, error) {
	var out []string
	for b := range f.pcrs {
		out = append(out, b)
	}
	return out, nil
}

func (f *fakeTPM) extend(pcr int, bank string, d []byte) error {
	h := bankHashes[bank].New()
	old := f.pcrs[bank][pcr]
	if old == nil {
		old = make([]byte, h.Size())
	}
	h.Write(old)
	h.Write(d)
	f.pcrs[bank][pcr] = h.Sum(nil)
	return nil
}

func (f *fakeTPM) read(pcr int, bank string) ([]byte, error) {
	v := f.pcrs[bank][pcr]
	if v == nil {
		return nil, fmt.Errorf("no pcr %d", pcr)
	}
	return v, nil
}

func ext(old []byte, word string) []byte {
	d := sha256.Sum256([]byte(word))
	s := sha256.Sum256(append(append([]byte{}, old...), d[:]...))
	return s[:]
}

func TestExtendPhaseIsSystemdPCRPhase(t *testing.T) {
	f := newFakeTPM("sha256", "sha1")
	for _, w := range []string{phaseEnterInitrd, phaseReady} {
		if err := extendPhase(f, w); err != nil {
			t.Fatal(err)
		}
	}
	want := ext(ext(make([]byte, 32), "enter-initrd"), "ready")
	if got := f.pcrs["sha256"][11]; !bytes.Equal(got, want) {
		t.Errorf("PCR 11 = %x, want %x", got, want)
	}
	if len(f.pcrs["sha1"][11]) != 20 {
		t.Errorf("the SHA-1 bank was not extended")
	}
}

func TestParsePCRList(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    []int
		wantErr bool
	}{
		{"4,7,9,11", []int{4, 7, 9, 11}, false},
		{"11", []int{11}, false},
		{"", nil, true},
		{"4,,7", nil, true},
		{"24", nil, true},
		{"-1", nil, true},
		{"x", nil, true},
	} {
		got, err := parsePCRList(tc.in)
		if (err != nil) != tc.wantErr {
			t.Errorf("parsePCRList(%q) error = %v, want error %v", tc.in, err, tc.wantErr)
			continue
		}
		if diff := cmp.Diff(tc.want, got); !tc.wantErr && diff != "" {
			t.Errorf("parsePCRList(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
}

func TestPCRLines(t *testing.T) {
	f := newFakeTPM("sha256")
	f.pcrs["sha256"][4] = bytes.Repeat([]byte{0xab}, 32)
	got, err := pcrLines(f, []int{4})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"tpm: pcr4 sha256 " + strings.Repeat("ab", 32)}; !cmp.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if _, err := pcrLines(f, []int{5}); err == nil {
		t.Error("a PCR that cannot be read gave no error")
	}
}

func TestEventLogLinesRoundTrip(t *testing.T) {
	log := bytes.Repeat([]byte("event"), 100)
	lines := eventLogLines(log)
	sum := sha256.Sum256(log)
	if want := fmt.Sprintf("tpm: eventlog begin %d %x", len(log), sum); lines[0] != want {
		t.Errorf("header %q, want %q", lines[0], want)
	}
	if lines[len(lines)-1] != "tpm: eventlog end" {
		t.Errorf("last line %q", lines[len(lines)-1])
	}
	var enc strings.Builder
	for _, l := range lines[1 : len(lines)-1] {
		enc.WriteString(strings.TrimPrefix(l, "tpm: eventlog "))
	}
	got, err := base64.StdEncoding.DecodeString(enc.String())
	if err != nil || !bytes.Equal(got, log) {
		t.Errorf("round trip: %v", err)
	}
}

func TestWantEventLog(t *testing.T) {
	none := func(string) ([]byte, error) { return nil, fmt.Errorf("no fw_cfg") }
	one := func(p string) ([]byte, error) {
		if p != fwCfgEventLog {
			t.Errorf("read %s", p)
		}
		return []byte("1"), nil
	}
	for _, tc := range []struct {
		name   string
		params map[string]string
		read   func(string) ([]byte, error)
		want   bool
	}{
		{"nothing", map[string]string{}, none, false},
		{"cmdline", map[string]string{paramTPMEventLog: "1"}, none, true},
		{"fw_cfg", map[string]string{}, one, true},
		{"cmdline 0", map[string]string{paramTPMEventLog: "0"}, none, false},
	} {
		if got := wantEventLog(tc.params, tc.read); got != tc.want {
			t.Errorf("%s: wantEventLog = %v, want %v", tc.name, got, tc.want)
		}
	}
}
