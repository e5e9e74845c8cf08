package pipeline

import (
	"bytes"
	"crypto/x509"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"manx/catalog"
	"manx/deploy/osserver"
	"manx/deploy/profile"
	"manx/internal/testutil"
	"manx/ospkg"
	"manx/ospkg/ospkgtest"
	"manx/sign"
	"manx/userland/stboot"
)

var testEpoch = time.Unix(1763900000, 0).UTC()

// TestOSPackageDescriptors verifies each descriptor fixture the way the
// stboot profile that serves it does (its scenario's descriptor and zip,
// flipped if the scenario flips it; threshold 2 for the threshold-2
// initramfs; a clock after the build) and checks ospkg.Verify accepts it if
// the profile expects "stboot: verified", or fails with every marker the
// profile expects after "stboot: FAIL verify:" and none it refuses. This
// keeps profiles and fixtures in step without booting.
// rollbackVersions are the rollback profile's descriptors' pkg_versions.
var rollbackVersions = map[string]uint64{catalog.OspkgVersion1.Name: 1, catalog.OspkgVersion2.Name: 2, catalog.OspkgVersion3.Name: 3}

func TestOSPackageDescriptors(t *testing.T) {
	rootKey, signerKey := testutil.Ed25519HierarchyKeys(t, testEpoch)
	root := rootKey.Certificate()
	rootSt, err := sign.NewStatic(rootKey.Signer(), root)
	if err != nil {
		t.Fatal(err)
	}
	signer, err := sign.NewStatic(signerKey.Signer(), signerKey.Certificate())
	if err != nil {
		t.Fatal(err)
	}
	untrusted, err := ospkgtest.UntrustedSigner(testEpoch)
	if err != nil {
		t.Fatal(err)
	}
	var zip bytes.Buffer
	if err := ospkg.Pack(&zip, ospkg.Contents{Label: "Manx test", Kernel: []byte("kernel"), Initramfs: []byte("initramfs"), Cmdline: OspkgCmdline}, testEpoch); err != nil {
		t.Fatal(err)
	}
	rel := ospkg.Release{Label: "Manx test", Version: uint64(testEpoch.Unix())}
	outs, err := descriptors(zip.Bytes(), rel, rootSt, signer, untrusted)
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
		wantVersion, wantLabel := uint64(testEpoch.Unix()), "Manx test"
		if v, ok := rollbackVersions[o.art.Name]; ok {
			wantVersion, wantLabel = v, fmt.Sprintf("Manx test (rollback fixture, version %d)", v)
		}
		if d.PkgVersion != wantVersion || d.Label != wantLabel {
			t.Errorf("%s: pkg_version %d, label %q; want %d and %q", o.art.Name, d.PkgVersion, d.Label, wantVersion, wantLabel)
		}
		descs[o.art.Name] = d
	}
	if got := descs[catalog.OspkgExpired.Name].NotAfter; got != testEpoch.Add(-24*time.Hour).Format(time.RFC3339) {
		t.Errorf("%s: not_after %q, want a day before the epoch", catalog.OspkgExpired.Name, got)
	}
	if got := descs[catalog.OspkgDescriptor.Name].NotAfter; got != "" {
		t.Errorf("%s: not_after %q, want none", catalog.OspkgDescriptor.Name, got)
	}

	served := map[string]bool{}
	var boots []profile.Profile // every boot, with the versions booted before it
	booted := map[string]uint64{}
	for _, p := range profile.Stboot() {
		var highest uint64
		for _, q := range append([]profile.Profile{p}, p.Then...) {
			boots = append(boots, q)
			booted[q.ID] = highest
			if sc := osserver.Scenarios[q.Serve]; slices.Contains(q.Expect, profile.MarkerStbootKexec) && descs[sc.Descriptor.Name] != nil {
				highest = max(highest, descs[sc.Descriptor.Name].PkgVersion)
			}
		}
	}
	for _, p := range boots {
		sc, ok := osserver.Scenarios[p.Serve]
		d := descs[sc.Descriptor.Name]
		if !ok || d == nil {
			continue // not one of these descriptors (or no server)
		}
		if i := slices.IndexFunc(p.Expect, func(m string) bool { return strings.HasPrefix(m, profile.MarkerStbootFail+" rollback:") }); i >= 0 {
			served[sc.Descriptor.Name] = true
			policy := ospkg.TrustPolicy{Roots: []*x509.Certificate{root}, Threshold: 1, MinVersion: booted[p.ID]}
			_, _, err := ospkg.Verify(d, zip.Bytes(), policy)
			var re *ospkg.RollbackError
			if !errors.As(err, &re) || profile.MarkerStbootFail+" rollback: "+re.Reason() != p.Expect[i] {
				t.Errorf("%s: Verify after version %d = %v, want %q", p.ID, booted[p.ID], err, p.Expect[i])
			}
			continue
		}
		verified := slices.Contains(p.Expect, profile.MarkerStbootVerified)
		fail := slices.Index(p.Expect, profile.MarkerStbootFail+" verify:")
		if !verified && fail < 0 {
			continue // refused before verification (fetch)
		}
		served[sc.Descriptor.Name] = true
		z := zip.Bytes()
		if sc.Faults.Paths["/"+osserver.PackageName].Flip {
			z = osserver.Flipped(z)
		}
		threshold := 1
		if p.InitramfsFile == profile.StbootInitramfsThreshold2 {
			threshold = 2
		}
		policy := ospkg.TrustPolicy{Roots: []*x509.Certificate{root}, Threshold: threshold, Time: testEpoch.Add(time.Hour), MinVersion: booted[p.ID]}
		_, _, err := ospkg.Verify(d, z, policy)
		if verified {
			if err != nil {
				t.Errorf("%s: Verify(%s) = %v, want accepted", p.ID, sc.Descriptor.Name, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s: Verify(%s) accepted, want refused", p.ID, sc.Descriptor.Name)
			continue
		}
		// What stboot prints: one line, newlines folded (console.fail).
		line := profile.MarkerStbootFail + " verify: " + strings.Join(strings.Fields(strings.ReplaceAll(err.Error(), "\n", "; ")), " ")
		for _, m := range p.Expect[fail+1:] {
			if m == profile.MarkerStbootReboot {
				break
			}
			if !strings.Contains(line, m) {
				t.Errorf("%s: stboot would print %q, without the expected %q", p.ID, line, m)
			}
		}
		for _, m := range p.Refuse {
			if strings.Contains(line, m) {
				t.Errorf("%s: stboot would print %q, with the refused %q", p.ID, line, m)
			}
		}
	}
	for _, o := range outs {
		if !served[o.art.Name] {
			t.Errorf("%s: no stboot profile verifies it", o.art.Name)
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
