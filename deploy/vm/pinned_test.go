package vm

import (
	"bytes"
	"context"
	"crypto/x509"
	"os"
	"path/filepath"
	"testing"

	"github.com/foxboron/go-uefi/authenticode"

	"manx/deploy/profile"
	"manx/firmware/varstore/mscerts"
	"manx/internal/buildenv"
	"manx/internal/pins"
	"manx/internal/testutil"
)

// TestPinnedEFIPins: every pinned EFI binary a profile boots names a pin in
// the repository's pins.json.
func TestPinnedEFIPins(t *testing.T) {
	l, err := pins.Load(filepath.Join("..", "..", pins.File))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range profile.All() {
		if p.ESPPin == nil {
			continue
		}
		if _, err := l.Get(p.ESPPin.Pin); err != nil {
			t.Errorf("%s: %v", p.ID, err)
		}
	}
}

// TestShimSignedByMicrosoftUEFICA: the shim ms,shim-or-ms-signed boots is
// what the profile says, a binary Microsoft signed with its third-party
// UEFI CAs (2011 and 2023, both in the ms store's db), not with the Windows
// CAs beside them. It fetches the pinned package into the cache, as the
// check does (the Nix go-test check provides it there: a test pin).
func TestShimSignedByMicrosoftUEFICA(t *testing.T) {
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	env, err := buildenv.Load(wd)
	if err != nil {
		t.Fatal(err)
	}
	c := Config{Root: env.Root, CacheDir: env.CacheDir, Log: testutil.Logger(t)}
	p, err := profile.Find("ms,shim-or-ms-signed")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.extractPinned(context.Background(), p); err != nil {
		t.Fatalf("extracting the pinned shim (from the Debian mirror in the host's apt sources, or MANX_DEBIAN_MIRROR, into %s): %v", env.CacheDir, err)
	}
	efi, err := os.ReadFile(c.pinnedEFIPath(*p.ESPPin))
	if err != nil {
		t.Fatal(err)
	}
	bin, err := authenticode.Parse(bytes.NewReader(efi))
	if err != nil {
		t.Fatalf("authenticode.Parse(%s) = %v", p.ESPPin.Path, err)
	}
	certs, err := mscerts.All()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"MS_3RD_2011": true, "MS_3RD_2023": true, "MS_WIN_2011": false, "MS_WIN_2023": false}
	for _, mc := range certs {
		w, ok := want[mc.Name]
		if !ok {
			continue
		}
		delete(want, mc.Name)
		if got := signedBy(t, bin, mc.Certificate); got != w {
			t.Errorf("signedBy(%s, %s) = %v, want %v", p.ESPPin.Path, mc.Subject, got, w)
		}
	}
	if len(want) != 0 {
		t.Errorf("mscerts.All() lacks %v", want)
	}
}

// signedBy says whether one of bin's Authenticode signatures chains to
// root, as the firmware decides with root in db: the signature verifies
// with a certificate the PKCS#7 carries, which chains to root through the
// others. go-uefi checks the signature with its signer only, so the chain
// is x509's; validity periods are ignored (as edk2 does), by checking at
// the signer's NotBefore.
func signedBy(t *testing.T, bin *authenticode.PECOFFBinary, root *x509.Certificate) bool {
	t.Helper()
	sigs, err := bin.Signatures()
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(root)
	for _, sig := range sigs {
		a, err := authenticode.ParseAuthenticode(sig.Certificate)
		if err != nil {
			t.Fatalf("ParseAuthenticode() = %v", err)
		}
		inter := x509.NewCertPool()
		for _, c := range a.Pkcs.Certs {
			inter.AddCert(c)
		}
		for _, leaf := range a.Pkcs.Certs {
			if ok, _ := bin.Verify(leaf); !ok {
				continue
			}
			_, err := leaf.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: leaf.NotBefore, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}})
			if err == nil {
				return true
			}
		}
	}
	return false
}
