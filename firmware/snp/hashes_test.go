package snp

import (
	"crypto/sha512"
	"strings"
	"testing"
)

func TestHashBoot(t *testing.T) {
	for _, tc := range []struct {
		name           string
		kernel, initrd []byte
		cmdline        string
		want           [3]string // kernel, initrd, cmdline
	}{
		{"no initrd, no cmdline", []byte{}, nil, "", [3]string{
			"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
			"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
			"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
		}},
		{"cmdline gets a NUL", []byte("k"), []byte{}, "console=ttyS0", [3]string{
			"8254c329a92850f6d539dd376f4816ee2764517da5e0235514af433164480d7a",
			"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
			"f18aae9b3c09e55bc3047ad361e2442d7c53372470b2958fb83293209a784f71",
		}},
	} {
		h := HashBoot(tc.kernel, tc.initrd, tc.cmdline)
		got := [3]string{hexOf(h.Kernel[:]), hexOf(h.Initrd[:]), hexOf(h.Cmdline[:])}
		if got != tc.want {
			t.Errorf("HashBoot(%s) = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestHashTableVector57 checks the table bytes and the hashes page of the
// sev-snp-measure trace of vector 57 (see TestTraceVector57): SHA-256 of
// "console=ttyS0\x00", of the initrd and of the kernel.
func TestHashTableVector57(t *testing.T) {
	h := BootHashes{
		Cmdline: [32]byte(mustHex(t, "f18aae9b3c09e55bc3047ad361e2442d7c53372470b2958fb83293209a784f71")),
		Initrd:  [32]byte(mustHex(t, "c8f5d0341d54d951a71b136e6e2afcb14d11ed8489a7ae126a8fee0df6ecf193")),
		Kernel:  [32]byte(mustHex(t, "039bbfec6cae08dea0e6763b31b3880e620bf351ff13d2f2966b1ebf99f0d375")),
	}
	want := strings.Join([]string{
		"06d63894224fc94cb479a793d411fd21", "a800",
		"d82dd09720bd944caa78e7714d36ab2a", "3200", "f18aae9b3c09e55bc3047ad361e2442d7c53372470b2958fb83293209a784f71",
		"31f7ba442f3ad74b9af141e29169781d", "3200", "c8f5d0341d54d951a71b136e6e2afcb14d11ed8489a7ae126a8fee0df6ecf193",
		"3794e74dd2ab7f42b835d5b172d2045b", "3200", "039bbfec6cae08dea0e6763b31b3880e620bf351ff13d2f2966b1ebf99f0d375",
		"0000000000000000",
	}, "")
	tbl := h.table()
	if got := hexOf(tbl[:]); got != want {
		t.Errorf("table() = %s, want %s", got, want)
	}
	if len(tbl) != 0xB0 || hashTableLen != 0xA8 || hashEntrySize != 0x32 {
		t.Errorf("table sizes = %#x/%#x/%#x, want 0xb0/0xa8/0x32", len(tbl), hashTableLen, hashEntrySize)
	}
	var page [pageSize]byte
	copy(page[0xC00:], tbl[:])
	if got, want := hexOf(sha512Sum384Slice(page[:])), "088c957cf5d9dd3669db8216691e4c81d874692bb90b31c996b1095f2cb45e27a661f97b7e8d4928fda02009a8e23f65"; got != want {
		t.Errorf("SHA-384(hashes page) = %s, want %s", got, want)
	}
}

func sha512Sum384Slice(b []byte) []byte {
	s := sha512.Sum384(b)
	return s[:]
}
