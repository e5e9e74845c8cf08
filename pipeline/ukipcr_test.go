package pipeline

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"crypto/rsa"
	"io"
	"strings"
	"testing"

	"github.com/u-root/u-root/pkg/cpio"

	"manx/internal/deb/debtest"
	"manx/tpm/eventlog"
	"manx/tpm/pcr"
	"manx/tpm/pcrsig"
	"manx/uki"
)

// TestSignPCRPolicy: the .pcrsig vouches, with the key given, for the PCR
// 11 value predicted after "enter-initrd" for the UKI as signed.
func TestSignPCRPolicy(t *testing.T) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pkey, err := pcrsig.PublicKeyPEM(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	stub := debtest.SystemdStub(t)
	spec := uki.Spec{Stub: stub, Linux: stub, Initrd: []byte("initrd"), Cmdline: uki.Cmdline,
		OSRelease: uki.OSRelease("1"), Uname: "6.12", Time: testEpoch, PCRPKey: pkey}
	unsigned, err := uki.Assemble(spec)
	if err != nil {
		t.Fatal(err)
	}
	js, err := signPCRPolicy(unsigned, key)
	if err != nil {
		t.Fatal(err)
	}
	spec.PCRSig = js
	full, err := uki.Assemble(spec)
	if err != nil {
		t.Fatal(err)
	}
	// The prediction of the final UKI (.pcrsig is never measured).
	sum, err := pcr.ReadUKI(full, eventlog.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	evs, err := pcr.Predict11(pcr.Inputs{UKI: sum, Phases: []string{"enter-initrd"}})
	if err != nil {
		t.Fatal(err)
	}
	v, err := pcr.Replay(evs, []eventlog.Alg{eventlog.SHA256})
	if err != nil {
		t.Fatal(err)
	}
	pol, err := pcrsig.PolicyPCRDigest("sha256", []int{11}, [][]byte{v[11][eventlog.SHA256]})
	if err != nil {
		t.Fatal(err)
	}
	sigs, err := pcrsig.Parse(js)
	if err != nil {
		t.Fatal(err)
	}
	e, ok := pcrsig.Find(sigs, "sha256", &key.PublicKey, pol)
	if !ok {
		t.Fatalf("no .pcrsig entry for the predicted PCR 11 policy %x in %s", pol, js)
	}
	if err := pcrsig.Verify(&key.PublicKey, "sha256", e); err != nil {
		t.Error(err)
	}
}

// TestWithFile: the appended archive holds the file after the padded
// original, which is untouched.
func TestWithFile(t *testing.T) {
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write([]byte("not a cpio, just bytes"))
	w.Close()
	orig := gz.Bytes()
	out, err := withFile(orig, UpdateMarkerFile, []byte("hello\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(out, orig) {
		t.Fatal("the original initrd changed")
	}
	rest := out[len(orig):]
	rest = bytes.TrimLeft(rest, "\x00")
	if (len(out)-len(rest))%4 != 0 {
		t.Errorf("the appended archive starts at %d, not 4-byte aligned", len(out)-len(rest))
	}
	r := cpio.Newc.Reader(bytes.NewReader(rest))
	recs, err := cpio.ReadAllRecords(r)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, rec := range recs {
		names = append(names, rec.Name)
		if rec.Name == UpdateMarkerFile {
			b, _ := io.ReadAll(io.NewSectionReader(rec.ReaderAt, 0, int64(rec.FileSize)))
			if string(b) != "hello\n" || rec.MTime != 0 {
				t.Errorf("%s: %q mtime %d", rec.Name, b, rec.MTime)
			}
		}
	}
	if got := strings.Join(names, " "); got != "etc etc/manx "+UpdateMarkerFile {
		t.Errorf("records %q", got)
	}
}
