package pcr

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/binary"
	"sync"
	"testing"
	"time"

	"manx/firmware/varstore"
	"manx/internal/deb/debtest"
	"manx/internal/testutil"
	"manx/sign/authenticode"
	"manx/tpm/eventlog"
	"manx/uki"
)

var sha256Only = []eventlog.Alg{eventlog.SHA256}

func h256(parts ...[]byte) []byte {
	d := sha256.New()
	for _, p := range parts {
		d.Write(p)
	}
	return d.Sum(nil)
}

// testSpec is a small UKI on the pinned systemd-stub 254; its kernel is
// the stub itself (any PE will do: the prediction only hashes it).
func testSpec(t testing.TB) uki.Spec {
	t.Helper()
	stub := debtest.SystemdStub(t)
	return uki.Spec{
		Stub: stub, Linux: stub, Initrd: bytes.Repeat([]byte("initrd!"), 1001),
		Cmdline: uki.Cmdline, OSRelease: uki.OSRelease("1.0"), Uname: "6.12.0-manx",
		Time: time.Unix(1735689600, 0),
	}
}

func assemble(t testing.TB, spec uki.Spec) []byte {
	t.Helper()
	b, err := uki.Assemble(spec)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// keys are throw-away Secure Boot certificates, made once per test binary
// (RSA key generation is slow).
var keys = sync.OnceValue(func() map[string]*testutil.Cert { return map[string]*testutil.Cert{} })

func cert(t testing.TB, name string) *testutil.Cert {
	t.Helper()
	m := keys()
	if c, ok := m[name]; ok {
		return c
	}
	c := testutil.RSACert(t, "Manx test "+name)
	m[name] = c
	return c
}

// customStore is a Secure Boot store (Manx PK, KEK, db = the test db cert
// and another one).
func customStore(t testing.TB) *varstore.Store {
	t.Helper()
	s, err := varstore.New(varstore.Custom, varstore.Certs{
		PK:  cert(t, "pk").Certificate(),
		KEK: []*x509.Certificate{cert(t, "kek").Certificate()},
		DB:  []*x509.Certificate{cert(t, "other db").Certificate(), cert(t, "db").Certificate()},
	}, time.Unix(1735689600, 0))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// signedUKI returns testSpec's UKI signed with the test db key.
func signedUKI(t testing.TB) []byte {
	t.Helper()
	b, err := authenticode.SignPE(assemble(t, testSpec(t)), cert(t, "db"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// section is one section of makePE.
type section struct {
	name        string
	data        []byte
	virtualSize uint32 // len(data) when 0
}

// makePE builds a minimal PE32+ image with the given sections, file
// alignment 0x200, and trailing bytes after the last section.
func makePE(secs []section, trailing []byte) []byte {
	const lfanew, optLen = 0x40, 240
	hdrEnd := lfanew + 4 + 20 + optLen + 40*len(secs)
	sizeOfHeaders := (hdrEnd + 0x1ff) &^ 0x1ff
	b := make([]byte, sizeOfHeaders)
	copy(b, "MZ")
	binary.LittleEndian.PutUint32(b[0x3c:], lfanew)
	copy(b[lfanew:], "PE\x00\x00")
	coff := lfanew + 4
	binary.LittleEndian.PutUint16(b[coff:], 0x8664)
	binary.LittleEndian.PutUint16(b[coff+2:], uint16(len(secs)))
	binary.LittleEndian.PutUint16(b[coff+16:], optLen)
	opt := coff + 20
	binary.LittleEndian.PutUint16(b[opt:], 0x20b)
	binary.LittleEndian.PutUint32(b[opt+32:], 0x1000) // SectionAlignment
	binary.LittleEndian.PutUint32(b[opt+36:], 0x200)  // FileAlignment
	binary.LittleEndian.PutUint32(b[opt+60:], uint32(sizeOfHeaders))
	binary.LittleEndian.PutUint32(b[opt+64:], 0xdeadbeef) // CheckSum: Authenticode skips it
	binary.LittleEndian.PutUint32(b[opt+108:], 16)        // NumberOfRvaAndSizes
	va := uint32(0x1000)
	for i, s := range secs {
		h := b[opt+optLen+40*i:]
		copy(h, s.name)
		vs := s.virtualSize
		if vs == 0 {
			vs = uint32(len(s.data))
		}
		raw := (len(s.data) + 0x1ff) &^ 0x1ff
		binary.LittleEndian.PutUint32(h[8:], vs)
		binary.LittleEndian.PutUint32(h[12:], va)
		binary.LittleEndian.PutUint32(h[16:], uint32(raw))
		binary.LittleEndian.PutUint32(h[20:], uint32(len(b)))
		va += (max(vs, uint32(raw)) + 0xfff) &^ 0xfff
		b = append(b, s.data...)
		b = append(b, make([]byte, raw-len(s.data))...)
	}
	return append(b, trailing...)
}
