package pipeline

import (
	"bytes"
	"crypto/x509"
	"strings"
	"testing"
	"time"

	"manx/catalog"
	"manx/deploy/osserver"
	"manx/deploy/profile"
	"manx/internal/testutil"
	"manx/ospkg"
	"manx/ospkg/ospkgtest"
	"manx/userland/stboot"
)

var testEpoch = time.Unix(1763900000, 0).UTC()

// TestOSPackageDescriptors checks each descriptor fails (or passes)
// ospkg.Verify with exactly the text the stboot profiles expect on the
// serial console.
func TestOSPackageDescriptors(t *testing.T) {
	root, signer := testutil.Ed25519Hierarchy(t, testEpoch)
	untrusted, err := ospkgtest.UntrustedSigner(testEpoch)
	if err != nil {
		t.Fatal(err)
	}
	var zip bytes.Buffer
	if err := ospkg.Pack(&zip, ospkg.Contents{Label: "Manx test", Kernel: []byte("kernel"), Initramfs: []byte("initramfs"), Cmdline: OspkgCmdline}, testEpoch); err != nil {
		t.Fatal(err)
	}
	outs, err := descriptors(zip.Bytes(), signer, untrusted)
	if err != nil {
		t.Fatal(err)
	}
	descs := map[string]*ospkg.Descriptor{}
	for _, o := range outs {
		d, err := ospkg.ParseDescriptor(o.data)
		if err != nil {
			t.Fatalf("%s: %v", o.art.Name, err)
		}
		if d.PkgURL != osserver.PackageName {
			t.Errorf("%s: os_pkg_url %q, want %q", o.art.Name, d.PkgURL, osserver.PackageName)
		}
		descs[o.art.Name] = d
	}
	flipped := bytes.Clone(zip.Bytes())
	flipped[len(flipped)/2] ^= 1 // what osserver's Flip does
	for _, tc := range []struct {
		name      string
		desc      string
		zip       []byte
		threshold int
		want      string // "" means accepted
	}{
		{"ok", catalog.OspkgDescriptor.Name, zip.Bytes(), 1, ""},
		{"zip altered", catalog.OspkgDescriptor.Name, flipped, 1, "does not match the signed digest"},
		{"untrusted signer", catalog.OspkgUntrusted.Name, zip.Bytes(), 1, "does not chain to the trust root"},
		{"one of two, threshold 2", catalog.OspkgOneOfTwo.Name, zip.Bytes(), 2, "1 valid signature(s), threshold 2"},
		{"one of two, threshold 1", catalog.OspkgOneOfTwo.Name, zip.Bytes(), 1, ""},
	} {
		_, err := ospkg.Verify(descs[tc.desc], tc.zip, ospkg.TrustPolicy{Roots: []*x509.Certificate{root}, Threshold: tc.threshold})
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: Verify = %v, want accepted", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: Verify = %v, want an error containing %q", tc.name, err, tc.want)
		}
	}
}

// TestStbootMarkers: the markers the stboot profiles wait for are the
// lines stboot prints.
func TestStbootMarkers(t *testing.T) {
	for got, want := range map[string]string{
		profile.MarkerStbootFetched:  stboot.MarkerFetched,
		profile.MarkerStbootVerified: stboot.MarkerVerified,
		profile.MarkerStbootKexec:    stboot.MarkerKexec,
		profile.MarkerStbootReboot:   announce(stboot.DefaultHostConfig().OnFailureDefault()),
	} {
		if got != want {
			t.Errorf("profile marker %q, stboot prints %q", got, want)
		}
	}
}

// announce is what f prints before its action.
func announce(f stboot.Failure) string {
	var b strings.Builder
	f.Announce(&b)
	return strings.TrimSuffix(b.String(), "\n")
}
