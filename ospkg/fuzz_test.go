package ospkg

import (
	"bytes"
	"testing"

	"manx/sign"
)

// FuzzParseDescriptor: ParseDescriptor never panics, and what it accepts
// survives Marshal and a second parse.
func FuzzParseDescriptor(f *testing.F) {
	h := newHierarchy(f)
	d, err := Sign(packed(f, testContents()), "manx.zip", testRelease, []sign.Signer{h.signer1, h.signer2})
	if err != nil {
		f.Fatal(err)
	}
	b, err := d.Marshal()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(`{"version":1,"os_pkg_url":"http://h/x.zip","certificates":[],"signatures":[]}`))
	f.Add([]byte(`{"version":2,"os_pkg_url":"x.zip","os_pkg_sha256":"` + d.PkgSHA256 + `","pkg_version":7,"not_after":"2027-01-02T03:04:05Z","label":"Manx","certificates":[],"signatures":[]}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := ParseDescriptor(b)
		if err != nil {
			return
		}
		out, err := d.Marshal()
		if err != nil {
			t.Fatalf("Marshal(ParseDescriptor(%q)) = %v", b, err)
		}
		d2, err := ParseDescriptor(out)
		if err != nil {
			t.Fatalf("ParseDescriptor(Marshal(ParseDescriptor(%q))) = %v", b, err)
		}
		// The statement survives the round trip and has one line per field.
		st, err := d.Statement()
		if err != nil {
			t.Fatalf("Statement() of a parsed descriptor = %v", err)
		}
		st2, _ := d2.Statement()
		if !bytes.Equal(st.Bytes(), st2.Bytes()) {
			t.Fatalf("statement changed in a round trip:\n%s\n%s", st.Bytes(), st2.Bytes())
		}
		if n := bytes.Count(st.Bytes(), []byte("\n")); n != 5 {
			t.Fatalf("statement has %d lines, want 5:\n%s", n, st.Bytes())
		}
	})
}

// FuzzVerify: Verify never panics on any descriptor and zip, and never
// accepts a zip that differs from the one signed.
func FuzzVerify(f *testing.F) {
	h := newHierarchy(f)
	zip := packed(f, testContents())
	d, err := Sign(zip, "manx.zip", testRelease, []sign.Signer{h.signer1})
	if err != nil {
		f.Fatal(err)
	}
	db, err := d.Marshal()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(db, zip)
	f.Add(db, []byte("PK"))
	f.Add([]byte("{}"), zip)
	policy := h.policy(1)
	f.Fuzz(func(t *testing.T, descBytes, zipBytes []byte) {
		d, err := ParseDescriptor(descBytes)
		if err != nil {
			return
		}
		c, _, err := Verify(d, zipBytes, policy)
		if err == nil && !bytes.Equal(zipBytes, zip) {
			t.Fatalf("Verify accepted a zip (%d bytes) that was never signed", len(zipBytes))
		}
		if err == nil && c == nil {
			t.Fatal("Verify() = nil contents, nil error")
		}
	})
}

// FuzzUnpack: the unpacker (which runs only on authenticated zips, but is
// the most complex parser) never panics and respects its size limit.
func FuzzUnpack(f *testing.F) {
	f.Add(packed(f, testContents()))
	f.Add(rawZip(f, [2]string{pathKernel, "K"}, [2]string{pathCmdline, "c"}, [2]string{pathManifest, manifestJSON(f, nil)}))
	const limit = 1 << 20
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := unpack(b, limit)
		if err != nil {
			return
		}
		if n := len(c.Kernel) + len(c.Initramfs) + len(c.Cmdline); n > limit {
			t.Fatalf("unpack() returned %d bytes, limit %d", n, limit)
		}
		if len(c.Kernel) == 0 {
			t.Fatal("unpack() accepted a package without a kernel")
		}
	})
}
