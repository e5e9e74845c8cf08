package app

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"manx/deploy/profile"
	"manx/ospkg"
	"manx/uki/sign"
	"manx/userland/stboot"
)

var testEpoch = time.Unix(1763900000, 0).UTC()

// testHierarchy returns a throw-away Ed25519 root and a signer it issued.
func testHierarchy(t *testing.T) (*x509.Certificate, *sign.Static) {
	t.Helper()
	issue := func(cn string, ca bool, parent *x509.Certificate, parentKey ed25519.PrivateKey) (*x509.Certificate, ed25519.PrivateKey) {
		_, key, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: cn},
			NotBefore: testEpoch, NotAfter: testEpoch.AddDate(10, 0, 0),
			KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, BasicConstraintsValid: true, IsCA: ca,
		}
		if parent == nil {
			parent, parentKey = tmpl, key
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), parentKey)
		if err != nil {
			t.Fatal(err)
		}
		c, err := x509.ParseCertificate(der)
		if err != nil {
			t.Fatal(err)
		}
		return c, key
	}
	root, rootKey := issue("test root", true, nil, nil)
	cert, key := issue("test signer", false, root, rootKey)
	s, err := sign.NewStatic(key, cert)
	if err != nil {
		t.Fatal(err)
	}
	return root, s
}

func TestUntrustedSignerReproducible(t *testing.T) {
	a, err := untrustedSigner(testEpoch)
	if err != nil {
		t.Fatal(err)
	}
	b, err := untrustedSigner(testEpoch)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Certificate().Raw, b.Certificate().Raw) {
		t.Error("untrustedSigner(same time) gave two different certificates")
	}
	if !a.Certificate().NotBefore.Equal(testEpoch) {
		t.Errorf("NotBefore = %v, want %v", a.Certificate().NotBefore, testEpoch)
	}
	root, _ := testHierarchy(t)
	pool := x509.NewCertPool()
	pool.AddCert(root)
	if _, err := a.Certificate().Verify(x509.VerifyOptions{Roots: pool, CurrentTime: testEpoch}); err == nil {
		t.Error("the untrusted signer chains to an unrelated root")
	}
}

// TestOSPackageDescriptors checks each descriptor fails (or passes)
// ospkg.Verify with exactly the text the stboot profiles expect on the
// serial console.
func TestOSPackageDescriptors(t *testing.T) {
	root, signer := testHierarchy(t)
	untrusted, err := untrustedSigner(testEpoch)
	if err != nil {
		t.Fatal(err)
	}
	var zip bytes.Buffer
	if err := ospkg.Pack(&zip, ospkg.Contents{Label: "Manx test", Kernel: []byte("kernel"), Initramfs: []byte("initramfs"), Cmdline: OspkgCmdline}, testEpoch); err != nil {
		t.Fatal(err)
	}
	outs, err := ospkgDescriptors(zip.Bytes(), signer, untrusted)
	if err != nil {
		t.Fatal(err)
	}
	descs := map[string]*ospkg.Descriptor{}
	for _, o := range outs {
		d, err := ospkg.ParseDescriptor(o.data)
		if err != nil {
			t.Fatalf("%s: %v", o.rel, err)
		}
		if d.PkgURL != OspkgURL {
			t.Errorf("%s: os_pkg_url %q, want %q", o.rel, d.PkgURL, OspkgURL)
		}
		descs[o.rel] = d
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
		{"ok", OspkgDescriptor, zip.Bytes(), 1, ""},
		{"zip altered", OspkgDescriptor, flipped, 1, "does not match the signed digest"},
		{"untrusted signer", OspkgUntrusted, zip.Bytes(), 1, "does not chain to the trust root"},
		{"one of two, threshold 2", OspkgOneOfTwo, zip.Bytes(), 2, "1 valid signature(s), threshold 2"},
		{"one of two, threshold 1", OspkgOneOfTwo, zip.Bytes(), 1, ""},
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

func TestStbootHostConfig(t *testing.T) {
	for _, threshold := range []int{1, 2} {
		b, err := stbootHostConfig(18480, threshold)
		if err != nil {
			t.Fatal(err)
		}
		hc, err := stboot.ParseHostConfig(b)
		if err != nil {
			t.Fatalf("ParseHostConfig(stbootHostConfig) = %v", err)
		}
		if got, want := hc.DescriptorURL, "http://10.0.2.2:18480/manx.json"; got != want {
			t.Errorf("descriptor_url = %q, want %q", got, want)
		}
		if hc.NetworkMode != stboot.ModeDHCP || hc.Address != "" || hc.Gateway != "" {
			t.Errorf("network %s %q via %q, want dhcp with no static fallback (the boot checks prove DHCP)", hc.NetworkMode, hc.Address, hc.Gateway)
		}
		if hc.SignatureThreshold != threshold {
			t.Errorf("signature_threshold = %d, want %d", hc.SignatureThreshold, threshold)
		}
		// The server-down profile expects "giving up after 5 attempt(s)",
		// well within the total deadline.
		if hc.RetryMax != 4 || time.Duration(hc.Deadline) != 90*time.Second {
			t.Errorf("retry_max %d, deadline %v; the stboot profiles expect 4 and 90s", hc.RetryMax, time.Duration(hc.Deadline))
		}
	}
}

func TestOspkgPort(t *testing.T) {
	t.Setenv("MANX_OSPKG_PORT", "")
	if p, err := OspkgPort(); err != nil || p != DefaultOspkgPort {
		t.Errorf("OspkgPort() = %d, %v, want %d", p, err, DefaultOspkgPort)
	}
	t.Setenv("MANX_OSPKG_PORT", "19000")
	if p, err := OspkgPort(); err != nil || p != 19000 {
		t.Errorf("OspkgPort(19000) = %d, %v", p, err)
	}
	t.Setenv("MANX_OSPKG_PORT", "http")
	if _, err := OspkgPort(); err == nil {
		t.Error("OspkgPort(http) = nil error")
	}
}

func TestStbootProfiles(t *testing.T) {
	var names []string
	for n := range scenarios {
		names = append(names, n)
	}
	sort.Strings(names)
	want := slices.Sorted(slices.Values(profile.ServeScenarios))
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("scenarios differ from profile.ServeScenarios (-want +got):\n%s", diff)
	}
	for _, p := range profile.Stboot() {
		if err := p.Validate(); err != nil {
			t.Error(err)
		}
		if !needsStboot(p) {
			t.Errorf("%s: needsStboot = false", p.ID)
		}
	}
	for got, want := range map[string]string{
		profile.MarkerStbootFetched:  stboot.MarkerFetched,
		profile.MarkerStbootVerified: stboot.MarkerVerified,
		profile.MarkerStbootKexec:    stboot.MarkerKexec,
	} {
		if got != want {
			t.Errorf("profile marker %q, stboot prints %q", got, want)
		}
	}
}
