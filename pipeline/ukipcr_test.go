package pipeline

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"io"
	"strings"
	"testing"

	"github.com/u-root/u-root/pkg/cpio"

	"manx/internal/deb/debtest"
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
	// PCR 11 of the final UKI by hand, not through tpm/pcr: systemd-stub
	// 254's order, two extends per section (.pcrsig is never measured),
	// then the phase words.
	ext := func(pcr []byte, data []byte) []byte {
		d := sha256.Sum256(data)
		n := sha256.Sum256(append(append([]byte{}, pcr...), d[:]...))
		return n[:]
	}
	base := make([]byte, 32)
	for _, name := range []string{".linux", ".osrel", ".cmdline", ".initrd", ".uname", ".sbat", ".pcrpkey"} {
		data, ok, err := uki.SectionData(full, name)
		if err != nil || !ok {
			t.Fatalf("section %s: %v %v", name, ok, err)
		}
		base = ext(ext(base, append([]byte(name), 0)), data)
	}
	sigs, err := pcrsig.Parse(js)
	if err != nil {
		t.Fatal(err)
	}
	policy := func(v []byte) []byte {
		pol, err := pcrsig.PolicyPCRDigest("sha256", []int{11}, [][]byte{v})
		if err != nil {
			t.Fatal(err)
		}
		return pol
	}
	if _, ok := pcrsig.Find(sigs, "sha256", &key.PublicKey, policy(base)); ok {
		t.Error("the policy holds before enter-initrd")
	}
	for _, phases := range PCRPolicyPhases {
		v := base
		for _, w := range phases {
			v = ext(v, []byte(w))
		}
		e, ok := pcrsig.Find(sigs, "sha256", &key.PublicKey, policy(v))
		if !ok {
			t.Errorf("no .pcrsig entry for PCR 11 after %q in %s", phases, js)
			continue
		}
		if err := pcrsig.Verify(&key.PublicKey, "sha256", e); err != nil {
			t.Errorf("after %q: %v", phases, err)
		}
	}
	if n := len(sigs["sha256"]); n != len(PCRPolicyPhases) {
		t.Errorf("%d entries, want one per phase path (%d)", n, len(PCRPolicyPhases))
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
