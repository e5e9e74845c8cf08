package ospkg

import (
	"archive/zip"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"manx/internal/testutil"
	"manx/ospkg/ospkgtest"
	"manx/sign"
	"manx/sign/keys"
)

// rawZip writes entries (name, data) in order with archive/zip defaults, to
// build packages Pack would never write.
func rawZip(t testing.TB, entries ...[2]string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, e := range entries {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e[0], Method: zip.Store})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(e[1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func hexSum(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// manifestJSON returns a manifest for kernel "K" and cmdline "c", changed
// by mutate.
func manifestJSON(t testing.TB, mutate func(m *manifest)) string {
	t.Helper()
	m := manifest{
		Version: 1, Kernel: pathKernel, Cmdline: "c", CmdlineFile: pathCmdline,
		SHA256: map[string]string{pathKernel: hexSum("K"), pathCmdline: hexSum("c")},
	}
	if mutate != nil {
		mutate(&m)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestVerify(t *testing.T) {
	h := newHierarchy(t)
	c := testContents()
	good := packed(t, c)
	flipped := bytes.Clone(good)
	flipped[len(flipped)/2] ^= 1

	signed := func(zip []byte, signers ...sign.Signer) *Descriptor {
		t.Helper()
		d, err := Sign(zip, "manx.zip", testRelease, signers)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	// hinted sets os_pkg_sha256 to flipped's digest without re-signing: only
	// the signatures can refuse the flipped zip.
	hinted := func(d *Descriptor) *Descriptor { d.PkgSHA256 = hex.EncodeToString(sha256Of(flipped)); return d }
	release := func(rel Release, signers ...sign.Signer) *Descriptor {
		t.Helper()
		d, err := Sign(good, "manx.zip", rel, signers)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	at := func(p TrustPolicy, now time.Time, min uint64) TrustPolicy { p.Time, p.MinVersion = now, min; return p }
	expiring := Release{Label: testRelease.Label, Version: 3, NotAfter: epoch.Add(48 * time.Hour)}

	tests := []struct {
		name    string
		desc    *Descriptor
		zip     []byte
		policy  TrustPolicy
		wantErr error  // nil: success
		want    string // substring of the error
	}{
		{name: "one signer", desc: signed(good, h.signer1), zip: good, policy: h.policy(1)},
		{name: "two signers, threshold 2", desc: signed(good, h.signer1, h.signer2), zip: good, policy: h.policy(2)},
		{name: "one of two trusted", desc: signed(good, h.stranger, h.signer1), zip: good, policy: h.policy(1)},
		{name: "second root trusted", desc: signed(good, h.stranger), zip: good,
			policy: TrustPolicy{Roots: []*x509.Certificate{h.root.Certificate(), h.otherRoot.Certificate()}, Threshold: 1}},
		{name: "within validity", desc: signed(good, h.signer1), zip: good,
			policy: TrustPolicy{Roots: h.policy(1).Roots, Threshold: 1, Time: epoch.Add(time.Hour)}},
		{name: "threshold not met", desc: signed(good, h.signer1), zip: good, policy: h.policy(2),
			wantErr: ErrThreshold, want: "ospkg: 1 valid signature(s), threshold 2"},
		{name: "untrusted signer", desc: signed(good, h.stranger), zip: good, policy: h.policy(1),
			wantErr: ErrThreshold, want: `signer "CN=Stranger" does not chain to the trust root`},
		{name: "certificate expired", desc: signed(good, h.signer1), zip: good,
			policy:  TrustPolicy{Roots: h.policy(1).Roots, Threshold: 1, Time: epoch.AddDate(20, 0, 0)},
			wantErr: ErrThreshold, want: "does not chain to the trust root"},
		{name: "altered zip", desc: signed(good, h.signer1), zip: flipped, policy: h.policy(1),
			wantErr: ErrDigest, want: "ospkg: zip sha256 " + hex.EncodeToString(sha256Of(flipped)) + " does not match the signed digest " + hex.EncodeToString(sha256Of(good))},
		{name: "altered zip, hint updated", desc: hinted(signed(good, h.signer1)), zip: flipped, policy: h.policy(1),
			wantErr: ErrThreshold, want: "ospkg: 0 valid signature(s), threshold 1\nsignature 0: " +
				`signer "CN=Test signer 1": Ed25519 signature does not verify over the statement (label=Manx test 1.0 os_pkg_sha256=` + hex.EncodeToString(sha256Of(flipped))},
		{name: "pkg_version raised", desc: func() *Descriptor { d := signed(good, h.signer1); d.PkgVersion = 9; return d }(), zip: good, policy: h.policy(1),
			wantErr: ErrThreshold, want: "does not verify over the statement (label=Manx test 1.0 os_pkg_sha256=" + hex.EncodeToString(sha256Of(good)) + " pkg_version=9 not_after=)"},
		{name: "not_after removed", desc: func() *Descriptor { d := release(expiring, h.signer1); d.NotAfter = ""; return d }(), zip: good, policy: h.policy(1),
			wantErr: ErrThreshold, want: "does not verify over the statement"},
		{name: "label changed", desc: func() *Descriptor { d := signed(good, h.signer1); d.Label = "Manx evil"; return d }(), zip: good, policy: h.policy(1),
			wantErr: ErrThreshold, want: "does not verify over the statement (label=Manx evil "},
		{name: "before not_after", desc: release(expiring, h.signer1), zip: good, policy: at(h.policy(1), epoch.Add(47*time.Hour), 0)},
		{name: "at not_after", desc: release(expiring, h.signer1), zip: good, policy: at(h.policy(1), epoch.Add(48*time.Hour), 0)},
		{name: "expired", desc: release(expiring, h.signer1), zip: good, policy: at(h.policy(1), epoch.Add(48*time.Hour+time.Second), 0),
			wantErr: ErrExpired, want: "ospkg: package expired at 2026-01-04T03:04:05Z (now 2026-01-04T03:04:06Z)"},
		{name: "not_after without a clock", desc: release(expiring, h.signer1), zip: good, policy: h.policy(1)},
		{name: "equal version", desc: signed(good, h.signer1), zip: good, policy: at(h.policy(1), time.Time{}, 3)},
		{name: "rollback", desc: signed(good, h.signer1), zip: good, policy: at(h.policy(1), time.Time{}, 5),
			wantErr: ErrRollback, want: "ospkg: version 3 < 5 already booted"},
		{name: "rollback of an untrusted package is a signature failure", desc: signed(good, h.stranger), zip: good, policy: at(h.policy(1), time.Time{}, 5),
			wantErr: ErrThreshold, want: "0 valid signature(s)"},
		{name: "expired and altered: expiry first", desc: release(expiring, h.signer1), zip: flipped, policy: at(h.policy(1), epoch.AddDate(1, 0, 0), 0),
			wantErr: ErrExpired, want: "expired at"},
		{name: "duplicate signer counted once", desc: dupFirst(signed(good, h.signer1)), zip: good, policy: h.policy(2),
			wantErr: ErrThreshold, want: `signature 1: signer "CN=Test signer 1": same certificate as signature 0, counted once`},
		{name: "swapped signatures", desc: swapSigs(signed(good, h.signer1, h.signer2)), zip: good, policy: h.policy(1),
			wantErr: ErrThreshold, want: "0 valid signature(s), threshold 1"},
		{name: "RSA signer certificate", desc: rsaDesc(t, good), zip: good, policy: h.policy(1),
			wantErr: ErrThreshold, want: "want Ed25519"},
		{name: "threshold 0", desc: signed(good, h.signer1), zip: good, policy: h.policy(0),
			wantErr: ErrPolicy, want: "threshold 0, want >= 1"},
		{name: "no roots", desc: signed(good, h.signer1), zip: good, policy: TrustPolicy{Threshold: 1},
			wantErr: ErrPolicy, want: "no trust roots"},
		{name: "nil descriptor", zip: good, policy: h.policy(1), wantErr: ErrFormat},
		{name: "malformed descriptor", desc: &Descriptor{Version: 7}, zip: good, policy: h.policy(1), wantErr: ErrFormat, want: "version 7"},
		{name: "version 1 descriptor", desc: func() *Descriptor { d := signed(good, h.signer1); d.Version = 1; return d }(), zip: good, policy: h.policy(1),
			wantErr: ErrFormat, want: "ospkg: descriptor format version 1 (a signed hash: no package version or expiry) is no longer accepted; re-sign it as version 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, st, err := Verify(tt.desc, tt.zip, tt.policy)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("Verify(%s) = %v, want success", tt.name, err)
				}
				if want, _ := tt.desc.Statement(); st == nil || *st != want {
					t.Errorf("Verify(%s) statement = %+v, want %+v", tt.name, st, want)
				}
				if got.Label != c.Label || got.Cmdline != c.Cmdline || !bytes.Equal(got.Kernel, c.Kernel) || !bytes.Equal(got.Initramfs, c.Initramfs) {
					t.Errorf("Verify(%s) contents = %q/%q, want %q/%q", tt.name, got.Label, got.Cmdline, c.Label, c.Cmdline)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Verify(%s) = %v, want %v containing %q", tt.name, err, tt.wantErr, tt.want)
			}
			if got != nil || st != nil {
				t.Errorf("Verify(%s) returned contents or a statement with an error", tt.name)
			}
		})
	}
}

// TestVerifySigners checks which signatures count towards the threshold:
// roots, CA certificates and certificates without digitalSignature never
// do, a key counts once, and with DistinctRoots a root counts once. Each
// refusal names its reason in the threshold error.
func TestVerifySigners(t *testing.T) {
	h := newHierarchy(t)
	good := packed(t, testContents())
	// signed signs with each signer on its own (Sign refuses two signers
	// with one key) and joins the pairs in order.
	signed := func(signers ...sign.Signer) *Descriptor {
		t.Helper()
		var d *Descriptor
		for _, s := range signers {
			one, err := Sign(good, "manx.zip", testRelease, []sign.Signer{s})
			if err != nil {
				t.Fatal(err)
			}
			if d == nil {
				d = one
				continue
			}
			d.Certificates = append(d.Certificates, one.Certificates...)
			d.Signatures = append(d.Signatures, one.Signatures...)
		}
		return d
	}
	rootKeyLeaf := issued(t, "Root key leaf", 1, h.root, nil) // seed 1 is the root's key
	caSigner := issued(t, "CA signer", 10, h.root, func(c *x509.Certificate) {
		c.IsCA = true
		c.KeyUsage |= x509.KeyUsageCertSign
	})
	caNoCertSign := issued(t, "CA signer without certSign", 11, h.root, func(c *x509.Certificate) { c.IsCA = true })
	noDigitalSig := issued(t, "Commitment signer", 12, h.root, func(c *x509.Certificate) { c.KeyUsage = x509.KeyUsageContentCommitment })
	noKeyUsage := issued(t, "Signer without key usage", 13, h.root, func(c *x509.Certificate) { c.KeyUsage = 0 })
	keyA := issued(t, "Signer A", 20, h.root, nil)
	keyAgain := issued(t, "Signer B", 20, h.root, nil)       // keyA's key, another certificate
	keyAOther := issued(t, "Signer C", 20, h.otherRoot, nil) // keyA's key, another root
	other := issued(t, "Other signer", 21, h.otherRoot, nil) // a signer of the second root
	bothRoots := []*x509.Certificate{h.root.Certificate(), h.otherRoot.Certificate()}
	untrusted, err := ospkgtest.UntrustedSigner(epoch)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name    string
		desc    *Descriptor
		policy  TrustPolicy
		wantErr error    // nil: success
		want    []string // substrings of the error
	}{
		{name: "root signs directly", desc: signed(h.root), policy: h.policy(1), wantErr: ErrThreshold,
			want: []string{"ospkg: 0 valid signature(s), threshold 1", `signature 0: signer "CN=Test root" is a trust root: roots do not sign packages`}},
		{name: "root and a signer, threshold 2", desc: signed(h.root, h.signer1), policy: h.policy(2), wantErr: ErrThreshold,
			want: []string{"ospkg: 1 valid signature(s), threshold 2", `signature 0: signer "CN=Test root" is a trust root`}},
		{name: "root key under a leaf certificate", desc: signed(rootKeyLeaf), policy: h.policy(1), wantErr: ErrThreshold,
			want: []string{`signature 0: signer "CN=Root key leaf" has the key of trust root "CN=Test root": roots do not sign packages`}},
		{name: "CA signer", desc: signed(caSigner), policy: h.policy(1), wantErr: ErrThreshold,
			want: []string{`signature 0: signer "CN=CA signer" is a CA: signer certificates must not be CAs`}},
		{name: "CA signer without certSign", desc: signed(caNoCertSign), policy: h.policy(1), wantErr: ErrThreshold,
			want: []string{`signer "CN=CA signer without certSign" is a CA`}},
		{name: "signer without digitalSignature", desc: signed(noDigitalSig), policy: h.policy(1), wantErr: ErrThreshold,
			want: []string{`signature 0: signer "CN=Commitment signer" lacks the digitalSignature key usage`}},
		{name: "signer without key usage", desc: signed(noKeyUsage), policy: h.policy(1), wantErr: ErrThreshold,
			want: []string{`signer "CN=Signer without key usage" lacks the digitalSignature key usage`}},
		{name: "one key under two certificates", desc: signed(keyA, keyAgain), policy: h.policy(2), wantErr: ErrThreshold,
			want: []string{"ospkg: 1 valid signature(s), threshold 2", `signature 1: signer "CN=Signer B": same key as signature 0 ("CN=Signer A"), counted once`}},
		{name: "one key under two roots", desc: signed(keyA, keyAOther), policy: TrustPolicy{Roots: bothRoots, Threshold: 2}, wantErr: ErrThreshold,
			want: []string{`signature 1: signer "CN=Signer C": same key as signature 0 ("CN=Signer A"), counted once`}},
		{name: "one key under two certificates, threshold 1", desc: signed(keyA, keyAgain), policy: h.policy(1)},
		{name: "same certificate twice", desc: signed(h.signer1, h.signer1), policy: h.policy(2), wantErr: ErrThreshold,
			want: []string{`signature 1: signer "CN=Test signer 1": same certificate as signature 0, counted once`}},
		{name: "untrusted signer", desc: signed(untrusted, h.signer1), policy: h.policy(2), wantErr: ErrThreshold,
			want: []string{"ospkg: 1 valid signature(s), threshold 2", "signature 0: signer", "does not chain to the trust root"}},
		{name: "bad signers and a good one", desc: signed(h.root, caSigner, noDigitalSig, h.signer1), policy: h.policy(1)},
		{name: "two signers of one root", desc: signed(h.signer1, h.signer2), policy: TrustPolicy{Roots: bothRoots, Threshold: 2}},
		{name: "distinct roots: one root", desc: signed(h.signer1, h.signer2), policy: TrustPolicy{Roots: bothRoots, Threshold: 2, DistinctRoots: true},
			wantErr: ErrThreshold, want: []string{"ospkg: 1 valid signature(s), threshold 2",
				`signature 1: signer "CN=Test signer 2": issued by trust root "CN=Test root" like signature 0, and the policy requires distinct roots`}},
		{name: "distinct roots: two roots", desc: signed(h.signer1, h.signer2, other), policy: TrustPolicy{Roots: bothRoots, Threshold: 2, DistinctRoots: true}},
		{name: "distinct roots: threshold 1", desc: signed(h.signer1), policy: TrustPolicy{Roots: h.policy(1).Roots, Threshold: 1, DistinctRoots: true}},
		{name: "distinct roots: too few roots", desc: signed(h.signer1, other), policy: TrustPolicy{Roots: h.policy(1).Roots, Threshold: 2, DistinctRoots: true},
			wantErr: ErrPolicy, want: []string{"threshold 2 with distinct roots needs 2 roots with distinct keys, have 1"}},
		{name: "distinct roots: one root twice", desc: signed(h.signer1, other),
			policy:  TrustPolicy{Roots: []*x509.Certificate{h.root.Certificate(), h.root.Certificate()}, Threshold: 2, DistinctRoots: true},
			wantErr: ErrPolicy, want: []string{"have 1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Verify(tt.desc, good, tt.policy)
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("Verify(%s) = %v, want success", tt.name, err)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Verify(%s) = %v, want %v", tt.name, err, tt.wantErr)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Verify(%s) = %v, want it to contain %q", tt.name, err, w)
				}
			}
		})
	}
}

// TestVerifyManxKeys checks that a hierarchy as sign/keys generates it
// meets the signer rules: its signer counts, its root does not.
func TestVerifyManxKeys(t *testing.T) {
	ks, err := keys.Generate(t.TempDir(), epoch, testutil.Discard())
	if err != nil {
		t.Fatal(err)
	}
	good := packed(t, testContents())
	policy := TrustPolicy{Roots: []*x509.Certificate{ks.StbootRoot.Certificate()}, Threshold: 1}
	d, err := Sign(good, "manx.zip", testRelease, []sign.Signer{ks.StbootSigner})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := Verify(d, good, policy); err != nil {
		t.Errorf("Verify(stboot signer) = %v, want success", err)
	}
	if d, err = Sign(good, "manx.zip", testRelease, []sign.Signer{ks.StbootRoot}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Verify(d, good, policy); !errors.Is(err, ErrThreshold) || !strings.Contains(err.Error(), "roots do not sign packages") {
		t.Errorf("Verify(stboot root) = %v, want %v: roots do not sign packages", err, ErrThreshold)
	}
}

// TestVerifyUnpack checks signed zips that Pack would not write: the
// signature is fine, the layout or manifest is not.
func TestVerifyUnpack(t *testing.T) {
	h := newHierarchy(t)
	tests := []struct {
		name    string
		zip     []byte
		wantErr error
		want    string
	}{
		{"minimal valid", rawZip(t, [2]string{pathKernel, "K"}, [2]string{pathCmdline, "c"}, [2]string{pathManifest, manifestJSON(t, nil)}),
			nil, ""},
		{"kernel hash mismatch", rawZip(t, [2]string{pathKernel, "X"}, [2]string{pathCmdline, "c"}, [2]string{pathManifest, manifestJSON(t, nil)}),
			ErrManifest, "boot/kernel: sha256 " + hexSum("X") + ", manifest says " + hexSum("K")},
		{"duplicate entry", rawZip(t, [2]string{pathKernel, "K"}, [2]string{pathKernel, "K"}, [2]string{pathCmdline, "c"}, [2]string{pathManifest, manifestJSON(t, nil)}),
			ErrFormat, `duplicate entry "boot/kernel"`},
		{"extra entry", rawZip(t, [2]string{pathKernel, "K"}, [2]string{pathCmdline, "c"}, [2]string{"evil", "x"}, [2]string{pathManifest, manifestJSON(t, nil)}),
			ErrManifest, `entry "evil" is not in the manifest`},
		{"missing file", rawZip(t, [2]string{pathCmdline, "c"}, [2]string{pathManifest, manifestJSON(t, nil)}),
			ErrManifest, "boot/kernel is in the manifest but not in the zip"},
		{"no manifest", rawZip(t, [2]string{pathKernel, "K"}),
			ErrFormat, "no manifest.json"},
		{"cmdline mismatch", rawZip(t, [2]string{pathKernel, "K"}, [2]string{pathCmdline, "c"}, [2]string{pathManifest, manifestJSON(t, func(m *manifest) { m.Cmdline = "init=/bin/sh" })}),
			ErrManifest, `boot/cmdline holds "c", manifest cmdline is "init=/bin/sh"`},
		{"unknown manifest field", rawZip(t, [2]string{pathKernel, "K"}, [2]string{pathCmdline, "c"}, [2]string{pathManifest, `{"version":1,"evil":1}`}),
			ErrFormat, `unknown field "evil"`},
		{"System Transparency manifest", rawZip(t, [2]string{pathKernel, "K"}, [2]string{pathManifest, `{"version":1,"label":"st","kernel":"boot/kernel","initramfs":"","cmdline":"c"}`}),
			ErrFormat, `kernel "boot/kernel" has no sha256`},
		{"manifest version 2", rawZip(t, [2]string{pathKernel, "K"}, [2]string{pathCmdline, "c"}, [2]string{pathManifest, manifestJSON(t, func(m *manifest) { m.Version = 2 })}),
			ErrFormat, "version 2, want 1"},
		{"upper-case hash", rawZip(t, [2]string{pathKernel, "K"}, [2]string{pathCmdline, "c"}, [2]string{pathManifest, manifestJSON(t, func(m *manifest) {
			m.SHA256[pathKernel] = strings.ToUpper(hexSum("K"))
		})}), ErrFormat, "not 64 lower-case hex digits"},
		{"kernel is cmdline", rawZip(t, [2]string{pathCmdline, "c"}, [2]string{pathManifest, manifestJSON(t, func(m *manifest) {
			m.Kernel = pathCmdline
			delete(m.SHA256, pathKernel)
		})}), ErrFormat, "must be different files"},
		{"not a zip", []byte("PK\x03\x04 garbage"), ErrFormat, "reading zip"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Sign(tt.zip, "x.zip", testRelease, []sign.Signer{h.signer1})
			if err != nil {
				t.Fatal(err)
			}
			_, _, err = Verify(d, tt.zip, h.policy(1))
			if tt.wantErr == nil {
				if err != nil {
					t.Errorf("Verify(%s) = %v, want success", tt.name, err)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Verify(%s) = %v, want %v containing %q", tt.name, err, tt.wantErr, tt.want)
			}
		})
	}
}

func sha256Of(b []byte) []byte {
	s := sha256.Sum256(b)
	return s[:]
}

// dupFirst repeats the first (certificate, signature) pair.
func dupFirst(d *Descriptor) *Descriptor {
	d.Certificates = append(d.Certificates, d.Certificates[0])
	d.Signatures = append(d.Signatures, d.Signatures[0])
	return d
}

// swapSigs exchanges the first two signatures.
func swapSigs(d *Descriptor) *Descriptor {
	d.Signatures[0], d.Signatures[1] = d.Signatures[1], d.Signatures[0]
	return d
}

// rsaDesc is a descriptor whose only certificate has an RSA key.
func rsaDesc(t *testing.T, zip []byte) *Descriptor {
	d := &Descriptor{
		Version:      2,
		PkgURL:       "x.zip",
		PkgSHA256:    hex.EncodeToString(sha256Of(zip)),
		PkgVersion:   1,
		Label:        "RSA",
		Certificates: [][]byte{testutil.RSACert(t, "RSA").Certificate().Raw},
		Signatures:   [][]byte{make([]byte, ed25519.SignatureSize)},
	}
	return d
}
