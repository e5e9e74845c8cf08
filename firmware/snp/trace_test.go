package snp

import (
	"encoding/hex"
	"strings"
	"testing"

	"manx/firmware/ovmf"
	"manx/firmware/snp/snptest"
)

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

func mustDigest(t *testing.T, s string) Digest {
	t.Helper()
	d, err := ParseDigest(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestTraceVector57 replays the trace of a sev-snp-measure run, "vector 57"
// (OVMF.amdsev.fd, 2 vCPUs, EPYC-v4, features 0x1, a Debian bookworm vmlinuz, a
// 4096-byte initrd, --append=console=ttyS0; 1073 page updates). Neither the kernel nor
// the initrd is test data, so their SHA-256 values from the trace are injected as the
// boot hashes; firmware/snp/testdata/vectors/README.md names both files.
func TestTraceVector57(t *testing.T) {
	fw := snptest.ReadFile(t, "OVMF.amdsev.fd")

	// Firmware pages: first update and the resulting firmware-only digest. (The doc
	// prints update 0's contents with a stray trailing "7"; this is the 96-digit
	// SHA-384 of the first 4 KiB of the image.)
	var fwUpdates []update
	c := chain{trace: func(u update) { fwUpdates = append(fwUpdates, u) }}
	c.measuredPages(PageNormal, ovmf.FourGiB-uint64(len(fw)), fw)
	if got, want := len(fwUpdates), 1024; got != want {
		t.Fatalf("firmware updates = %d, want %d", got, want)
	}
	first := fwUpdates[0]
	if want := mustDigest(t, "006fc96344f85e1e0988a9a58729b949367581285bbfd13d14cba19b81ab3be47414c8283c2b6d209f1cfd226b1821ae"); first.Contents != want || first.GPA != 0xffc00000 {
		t.Errorf("update 0 = contents %s GPA %#x, want %s GPA 0xffc00000", first.Contents, first.GPA, want)
	}
	if want := mustDigest(t, "dc877dcd762e33104e9e73e194182cb0ad613417fdaab5ff3f946afe7ea3f13527d0f16fb5072852cfe173731f4aece3"); first.LD != want {
		t.Errorf("LD after update 0 = %s, want %s", first.LD, want)
	}
	if s := c.ld.String(); !strings.HasPrefix(s, "9d0dd8be") || !strings.HasSuffix(s, "4806") {
		t.Errorf("firmware-only digest = %s, want 9d0dd8be…4806", s)
	}
	if h, err := OVMFHash(fw); err != nil || h != c.ld {
		t.Errorf("OVMFHash() = %s, %v, want %s, nil", h, err, c.ld)
	}

	l, err := newLaunch(Inputs{Firmware: fw, Kernel: []byte{}, VCPUs: 2, VCPUType: "EPYC-v4"})
	if err != nil {
		t.Fatalf("newLaunch() error = %v", err)
	}
	l.boot = &BootHashes{
		Cmdline: [32]byte(mustHex(t, "f18aae9b3c09e55bc3047ad361e2442d7c53372470b2958fb83293209a784f71")),
		Initrd:  [32]byte(mustHex(t, "c8f5d0341d54d951a71b136e6e2afcb14d11ed8489a7ae126a8fee0df6ecf193")),
		Kernel:  [32]byte(mustHex(t, "039bbfec6cae08dea0e6763b31b3880e620bf351ff13d2f2966b1ebf99f0d375")),
	}
	if l.fwLD != c.ld {
		t.Errorf("newLaunch firmware digest = %s, want %s", l.fwLD, c.ld)
	}
	var ups []update
	l.trace = func(u update) { ups = append(ups, u) }
	final, err := l.digest(2, 0x00800F12)
	if err != nil {
		t.Fatalf("digest() error = %v", err)
	}
	if got, want := len(ups), 1073-1024; got != want {
		t.Fatalf("updates after the firmware = %d, want %d", got, want)
	}
	// Ranges of the trace table, indices counted from the first update after the firmware.
	for _, r := range []struct {
		first, last int
		typ         PageType
		gpa         uint64
		ld          string
	}{
		{1024, 1032, PageZero, 0x800000, "9cbd59c713518d50c986aac8db659bb9f624e0f61801fd69b28ad5692251933fd4b27aecf37842bea36f924c8fa61eac"},
		{1033, 1035, PageZero, 0x80a000, "c0f1d25230f7591f8601c0466f9b21adddc7ac78bff392e56145485542f4d8fb53fd3e1a31ac5d329286efec7aa82cef"},
		{1036, 1036, PageSecrets, 0x80d000, "c8904ca5466fb1d6edaa0a66ce58fb77195dba1086853ba3e59dfe566644ce6a17fca2c1efc2f1f21e3a7a29bc436434"},
		{1037, 1037, PageCPUID, 0x80e000, "af6b338251f48b6a59d1cd2ee92eb475ed5df4378a55022c46e03fadebb4847853769d33b0db68942827a213cfdb7abf"},
		{1038, 1038, PageZero, 0x80f000, "bb4c3d11241155a4cae9363779a4c5e50a95c10a7b32d8829f7e0ab89322f8f45dd8d0074b7e0897a041eeca679fa8de"},
		{1039, 1069, PageZero, 0x811000, "2f44f8584a7c2a7e78da84de46a02138ba8701c74746e323f397beffbb4451f05bd3684da9d07db8a1d955bd818dc3b5"},
		{1070, 1070, PageNormal, 0x810000, "6e01d8464ac5d94c8f2f7bacac9df67d52ed4682daee1927b08c390d706362a299ea4225ea45e4942bbe02da5ce02d05"},
		{1071, 1071, PageVMSA, VMSAGPA, "1c152abe857f8f4e348c33e0fbe4f0d6f8ff49365cc75060fd172b132e47cef352a8b843f799df3c0a9de5dda326684f"},
		{1072, 1072, PageVMSA, VMSAGPA, "bb460b4c514539ef421b2092c03cde4f47f93119f737cab7ec2e001f307aa9cc3297d8f1af87c4c235f59fa3b87d262d"},
	} {
		for i := r.first; i <= r.last; i++ {
			u := ups[i-1024]
			wantGPA := r.gpa + uint64(i-r.first)*pageSize
			if r.typ == PageVMSA {
				wantGPA = VMSAGPA
			}
			if u.Type != r.typ || u.GPA != wantGPA {
				t.Errorf("update %d = type %d GPA %#x, want type %d GPA %#x", i, u.Type, u.GPA, r.typ, wantGPA)
			}
		}
		if got := ups[r.last-1024].LD.String(); got != r.ld {
			t.Errorf("LD after update %d = %s, want %s", r.last, got, r.ld)
		}
	}
	if want := "1f902289bc00ddaab680973f3ec53a03458432c0d1dfa66a682bf95700f567ea51502cbdf747e6d5a3152cab66b0acce"; ups[0].LD.String() != want {
		t.Errorf("LD after update 1024 = %s, want %s", ups[0].LD, want)
	}
	for i, want := range map[int]string{
		1070: "088c957cf5d9dd3669db8216691e4c81d874692bb90b31c996b1095f2cb45e27a661f97b7e8d4928fda02009a8e23f65",
		1071: "77920c4c629ff47e90c0e174fc1ad0eb6fa664f88cd4739488058a8c6cb1a77b3856f55378e9518d0da99452d51c553a",
		1072: "8413b852790765a310d95867a8b00bfca3a802b5a80830044b45e253fe96222657e11e53fcf63eb0e0afd722385bf7b4",
	} {
		if got := ups[i-1024].Contents.String(); got != want {
			t.Errorf("contents of update %d = %s, want %s", i, got, want)
		}
	}
	if final != ups[len(ups)-1].LD {
		t.Errorf("digest() = %s, want the last LD %s", final, ups[len(ups)-1].LD)
	}
}
