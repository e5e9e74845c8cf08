package pcrsig

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
)

// TestPolicyPCRDigestByHand spells out the PolicyPCR update for PCR 11 of
// the sha256 bank byte by byte.
func TestPolicyPCRDigestByHand(t *testing.T) {
	value := sha256.Sum256([]byte("a PCR 11 value"))
	pcrDigest := sha256.Sum256(value[:])
	msg := make([]byte, 32)                   // the policy session starts at zero
	msg = append(msg, 0x00, 0x00, 0x01, 0x7F) // TPM_CC_PolicyPCR
	msg = append(msg, 0x00, 0x00, 0x00, 0x01) // TPML_PCR_SELECTION.count
	msg = append(msg, 0x00, 0x0B)             // TPM_ALG_SHA256
	msg = append(msg, 0x03, 0x00, 0x08, 0x00) // sizeofSelect 3, PCR 11 = byte 1 bit 3
	msg = append(msg, pcrDigest[:]...)
	want := sha256.Sum256(msg)

	got, err := PolicyPCRDigest(SHA256, []int{11}, [][]byte{value[:]})
	if err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(got) != hex.EncodeToString(want[:]) {
		t.Errorf("PolicyPCRDigest(sha256, [11]) = %x, want %x", got, want)
	}
}

// TestPolicyPCRDigestSystemd checks the vectors of systemd's
// src/test/test-tpm2.c (TEST(calculate_policy_pcr), systemd v257): several
// PCRs, and a second PolicyPCR on top of the first.
func TestPolicyPCRDigestSystemd(t *testing.T) {
	dN := []string{
		"2124793cbbe60c3a8637d3b84a5d054e87c351e1469a285acc04755e8b204dec",
		"bf7592f18adcfdc549fc0b94939f5069a24697f9cff4a0dca29014767b97559d",
		"4b00cff9dee3a364979b2dc241b34568a8ad49fcf2713df259e47dff8875feed",
		"3d458cfe55cc03ea1f443f1562beec8df51c75e14a9fcf9a7234a13f198e7969",
		"368f85b3013041dfe203faaa364f00b07c5da7b1e5f1dbf2efb06fa6b9bd92de",
		"c97c40369691c8e4aa78fb3a52655cd193b780a838b8e23f5f476576919db5e5",
		"3d458cfe55cc03ea1f443f1562beec8df51c75e14a9fcf9a7234a13f198e7969",
		"aa1154c9e0a774854ccbed4c8ce7e9b906b3d700a1a8db1772d0341a62dbe51b",
		"cfde439a2c06af3479ca6bdc60429b90553d65300c5cfcc40004a08c6b5ad81a",
		"9c2bac22ef5ec84fcdb71c3ebf776cba1247e5da980e5ee08e45666a2edf0b8b",
		"9885873f4d7348199ad286f8f2476d4f866940950f6f9fb9f945ed352dbdcbd2",
		"42400ab950d21aa79d12cc4fdef67d1087a39ad64900619831c0974dbae54e44",
		"767d064382e56ca1ad3bdcc6bc596112e6c2008b593d3570d24c2bfa64c4628c",
		"30c16133175959408c9745d8dafadef5daf4b39cb2be04df0d60089bd46d3cc4",
		"e3991b7ddd47be7e92726a832d6874c5349b52b789fa0db8b558c69fea29574e",
		"852dae3ecb992bdeb13d6002fefeeffdd90feca8b378d56681ef2c885d0e5137",
	}
	all := make([]int, 16)
	for i := range all {
		all[i] = i
	}
	for _, tc := range []struct {
		name        string
		pcrs        []int
		once, twice string
	}{
		{"4,7,8", []int{4, 7, 8}, "76532a0e16f7e6bf6b02918c11f75d99d729fab0cc81d0df2c4284a2c4fe6e05", "97e64bcabb64c1fa4b726528644926c8029f5b4458b0575c98c04fe225629a0b"},
		{"0-15", all, "22be4f1674f792d6345cea9427701068f0e8d9f42755dcc0e927e545a68f9c13", "7481fd1b116078eb3ac2456e4ad542c9b46b9b8eb891335771ca8e7c8f8e4415"},
		// Selection order is PCR order, whatever order the caller lists.
		{"8,4,7", []int{8, 4, 7}, "76532a0e16f7e6bf6b02918c11f75d99d729fab0cc81d0df2c4284a2c4fe6e05", "97e64bcabb64c1fa4b726528644926c8029f5b4458b0575c98c04fe225629a0b"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var vals [][]byte
			for _, p := range tc.pcrs {
				vals = append(vals, unhex(t, dN[p]))
			}
			once, err := PolicyPCRDigest(SHA256, tc.pcrs, vals)
			if err != nil {
				t.Fatal(err)
			}
			if got := hex.EncodeToString(once); got != tc.once {
				t.Errorf("PolicyPCRDigest = %s, want %s", got, tc.once)
			}
			twice, err := policyPCR(once, SHA256, tc.pcrs, vals)
			if err != nil {
				t.Fatal(err)
			}
			if got := hex.EncodeToString(twice); got != tc.twice {
				t.Errorf("second PolicyPCR = %s, want %s", got, tc.twice)
			}
		})
	}
}

// TestPolicyPCRDigestMeasure checks pol against systemd-measure 252's
// output (testdata/README.md): each signed pol is the PolicyPCR digest of
// the calculated PCR 11 value, and the phase values are the raw value
// extended with SHA-256 of the phase words (no NUL).
func TestPolicyPCRDigestMeasure(t *testing.T) {
	vals := calculated(t, readTestdata(t, "calculate-252.json"))
	sigs, err := Parse(readTestdata(t, "sign-252.json"))
	if err != nil {
		t.Fatal(err)
	}
	entries := sigs[SHA256]
	if len(entries) != len(vals) {
		t.Fatalf("sign-252.json has %d entries, calculate-252.json %d values", len(entries), len(vals))
	}
	for i, v := range vals {
		pol, err := PolicyPCRDigest(SHA256, []int{11}, [][]byte{v})
		if err != nil {
			t.Fatal(err)
		}
		if hex.EncodeToString(pol) != hex.EncodeToString(entries[i].Policy) {
			t.Errorf("PolicyPCRDigest(value %d %x) = %x, want systemd-measure's %x", i, v, pol, entries[i].Policy)
		}
	}
	extend := func(v []byte, word string) []byte {
		w := sha256.Sum256([]byte(word))
		s := sha256.Sum256(append(append([]byte{}, v...), w[:]...))
		return s[:]
	}
	if got := extend(vals[0], "enter-initrd"); hex.EncodeToString(got) != hex.EncodeToString(vals[1]) {
		t.Errorf("extend(raw, enter-initrd) = %x, want %x", got, vals[1])
	}
	if got := extend(vals[1], "leave-initrd"); hex.EncodeToString(got) != hex.EncodeToString(vals[2]) {
		t.Errorf("extend(enter-initrd, leave-initrd) = %x, want %x", got, vals[2])
	}
}

func TestPolicyPCRDigestErrors(t *testing.T) {
	v32 := make([]byte, 32)
	for _, tc := range []struct {
		name   string
		bank   string
		pcrs   []int
		values [][]byte
		want   string
	}{
		{"unknown bank", "sm3", []int{11}, [][]byte{v32}, `unknown PCR bank "sm3"`},
		{"upper-case bank", "SHA256", []int{11}, [][]byte{v32}, `unknown PCR bank "SHA256"`},
		{"no PCRs", SHA256, nil, nil, "no PCRs selected"},
		{"count mismatch", SHA256, []int{7, 11}, [][]byte{v32}, "2 PCRs but 1 values"},
		{"PCR 24", SHA256, []int{24}, [][]byte{v32}, "PCR 24 out of range 0..23"},
		{"negative", SHA256, []int{-1}, [][]byte{v32}, "PCR -1 out of range"},
		{"twice", SHA256, []int{11, 11}, [][]byte{v32, v32}, "PCR 11 selected twice"},
		{"short value", SHA256, []int{11}, [][]byte{v32[:20]}, "PCR 11 value is 20 bytes, want 32 for sha256"},
		{"sha1 with 32 bytes", SHA1, []int{11}, [][]byte{v32}, "want 20 for sha1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := PolicyPCRDigest(tc.bank, tc.pcrs, tc.values)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("PolicyPCRDigest(%q, %v) = %v, want an error containing %q", tc.bank, tc.pcrs, err, tc.want)
			}
		})
	}
}

// TestPolicyPCRDigestBanks: the policy hash stays SHA-256 for every bank;
// only the selection's hashAlg and the value size change.
func TestPolicyPCRDigestBanks(t *testing.T) {
	seen := map[string]bool{}
	for name, b := range banks {
		v := make([]byte, b.hash.Size())
		d, err := PolicyPCRDigest(name, []int{11}, [][]byte{v})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(d) != sha256.Size {
			t.Errorf("%s: digest of %d bytes, want 32", name, len(d))
		}
		if seen[string(d)] {
			t.Errorf("%s: same digest as another bank", name)
		}
		seen[string(d)] = true
	}
}
