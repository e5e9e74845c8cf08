package toolchain

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"manx/internal/fetch"
)

// testIndex is a small Packages index: stanzas hold the fields the resolver reads.
const testIndex = `Package: libc6
Version: 2.36-9+deb12u14
Architecture: amd64
Priority: optional
Depends: libgcc-s1
Filename: pool/main/g/glibc/libc6_2.36-9+deb12u14_amd64.deb
Size: 2
SHA256: 0000000000000000000000000000000000000000000000000000000000000001

Package: libgcc-s1
Version: 12.2.0-14+deb12u1
Architecture: amd64
Priority: optional
Pre-Depends: libc6 (>= 2.35)
Filename: pool/main/g/gcc-12/libgcc-s1_12.2.0-14+deb12u1_amd64.deb
Size: 2
SHA256: 0000000000000000000000000000000000000000000000000000000000000002

Package: dash
Version: 0.5.12-2
Architecture: amd64
Essential: yes
Priority: required
Pre-Depends: libc6 (>= 2.34), debianutils (>= 5.6-0.1)
Filename: pool/main/d/dash/dash_0.5.12-2_amd64.deb
Size: 2
SHA256: 0000000000000000000000000000000000000000000000000000000000000003

Package: debianutils
Version: 5.7-0.5~deb12u1
Architecture: amd64
Priority: important
Filename: pool/main/d/debianutils/debianutils_5.7-0.5~deb12u1_amd64.deb
Size: 2
SHA256: 0000000000000000000000000000000000000000000000000000000000000004

Package: usr-is-merged
Version: 37~deb12u1
Architecture: all
Priority: optional
Pre-Depends: usrmerge | usr-is-merged
Filename: pool/main/u/usrmerge/usr-is-merged_37~deb12u1_all.deb
Size: 2
SHA256: 0000000000000000000000000000000000000000000000000000000000000005

Package: usrmerge
Version: 37~deb12u1
Architecture: all
Priority: optional
Depends: perl
Filename: pool/main/u/usrmerge/usrmerge_37~deb12u1_all.deb
Size: 2
SHA256: 0000000000000000000000000000000000000000000000000000000000000006

Package: apt
Version: 2.6.1
Architecture: amd64
Priority: required
Depends: libc6:any, awk | mawk
Filename: pool/main/a/apt/apt_2.6.1_amd64.deb
Size: 2
SHA256: 0000000000000000000000000000000000000000000000000000000000000007

Package: mawk
Version: 1.3.4.20200120-3.1
Architecture: amd64
Priority: required
Provides: awk
Filename: pool/main/m/mawk/mawk_1.3.4.20200120-3.1_amd64.deb
Size: 2
SHA256: 0000000000000000000000000000000000000000000000000000000000000008

Package: nasm
Version: 2.16.01-1
Architecture: amd64
Priority: optional
Depends: libc6 (>= 2.34)
Filename: pool/main/n/nasm/nasm_2.16.01-1_amd64.deb
Size: 2
SHA256: 0000000000000000000000000000000000000000000000000000000000000009

Package: gcc
Version: 4:12.2.0-3
Architecture: amd64
Priority: optional
Depends: cpp (= 4:12.2.0-3), gcc-12 (>= 12.2.0-1~)
Recommends: libc6-dev | libc-dev
Filename: pool/main/g/gcc-defaults/gcc_12.2.0-3_amd64.deb
Size: 2
SHA256: 000000000000000000000000000000000000000000000000000000000000000a

Package: gcc-12
Version: 12.2.0-14+deb12u1
Architecture: amd64
Priority: optional
Depends: binutils (>= 2.40) | binutils-x86-64-linux-gnu
Filename: pool/main/g/gcc-12/gcc-12_12.2.0-14+deb12u1_amd64.deb
Size: 2
SHA256: 000000000000000000000000000000000000000000000000000000000000000b

Package: nasm
Version: 2.16.01-1
Architecture: amd64
Priority: optional
Depends: libc6 (>= 2.34)
Filename: pool/main/n/nasm/nasm_2.16.01-1_amd64.deb
Size: 3
SHA256: 000000000000000000000000000000000000000000000000000000000000000c
`

func TestResolveMinbase(t *testing.T) {
	idx, err := parseIndex(strings.NewReader(testIndex))
	if err != nil {
		t.Fatal(err)
	}
	if got := idx["nasm"].SHA256; !strings.HasSuffix(got, "c") {
		t.Errorf("a package listed twice keeps %s, want its last paragraph (as debootstrap)", got)
	}
	tests := []struct {
		name    string
		include []string
		want    []string
		wantErr string
	}{
		// required (dash, apt, mawk) + usr-is-merged + apt; dash's Pre-Depends pull
		// libc6 -> libgcc-s1 and debianutils; usrmerge is excluded, awk is virtual.
		{name: "minbase", want: []string{"apt", "dash", "debianutils", "libc6", "libgcc-s1", "mawk", "usr-is-merged"}},
		{name: "include", include: []string{"nasm"}, want: []string{"apt", "dash", "debianutils", "libc6", "libgcc-s1", "mawk", "nasm", "usr-is-merged"}},
		// cpp is not in the index: dropped like debootstrap does; binutils
		// (first alternative) is missing too, so binutils-x86-64-linux-gnu is not taken.
		{name: "first alternative only", include: []string{"gcc"}, want: []string{"apt", "dash", "debianutils", "gcc", "gcc-12", "libc6", "libgcc-s1", "mawk", "usr-is-merged"}},
		{name: "unknown include", include: []string{"nasm", "iasl"}, wantErr: "the index has no package iasl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := resolveMinbase(idx, tt.include)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("resolveMinbase() = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("resolveMinbase() (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDebootstrapName(t *testing.T) {
	for in, want := range map[string]string{
		"libc6 (>= 2.34)": "libc6", "awk | mawk": "awk", "python3:any (>= 3.9)": "python3",
		" perl-base ": "perl-base", "libgcc-s1 (>= 3.0) | libgcc1": "libgcc-s1",
	} {
		if got := debootstrapName(in); got != want {
			t.Errorf("debootstrapName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseRelease(t *testing.T) {
	in := `-----BEGIN PGP SIGNED MESSAGE-----
Hash: SHA256

Origin: Debian
Suite: oldstable
Codename: bookworm
MD5Sum:
 0ed6d4c8891eb86358b94bb35d9e4da4  1484322 main/binary-amd64/Packages.xz
SHA256:
 515e692f2c4121c6fcec444ef100cc18f79a991910615f3a88c8b7becfc94d2f 50060337 main/binary-amd64/Packages
 9e0b5aabb2465b3d2e7a7fe27f9913846277833f7a2826e7767acccff5b588c5  8790396 main/binary-amd64/Packages.xz
-----BEGIN PGP SIGNATURE-----

iHUEARYIAB0WIQRNZP7BGcICkGfW55H40lhbh4PUgQUCZ
-----END PGP SIGNATURE-----
`
	got, err := parseRelease(clearsigned([]byte(in)), "bookworm")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]releaseSum{
		"main/binary-amd64/Packages":    {"515e692f2c4121c6fcec444ef100cc18f79a991910615f3a88c8b7becfc94d2f", 50060337},
		"main/binary-amd64/Packages.xz": {"9e0b5aabb2465b3d2e7a7fe27f9913846277833f7a2826e7767acccff5b588c5", 8790396},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("parseRelease (-want +got):\n%s", diff)
	}
	if _, err := parseRelease(clearsigned([]byte(in)), "trixie"); err == nil {
		t.Error("parseRelease(bookworm file, trixie) = nil, want error")
	}
	if _, err := parseRelease([]byte("Codename: bookworm\nSHA256:\n nothex 12 x\n"), "bookworm"); err == nil {
		t.Error("parseRelease(malformed line) = nil, want error")
	}
}

// TestFetchLockedFailsClosed: a locked .deb that is neither cached nor
// served stops the build with an error naming it and the refresh command.
func TestFetchLockedFailsClosed(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	log := slog.New(slog.DiscardHandler)
	f := &fetch.Fetcher{CacheDir: t.TempDir(), Log: log, Timeout: 5 * time.Second,
		Mirrors: func(string) ([]string, error) { return []string{srv.URL + "/debian"}, nil }}
	l := testLock()
	// base-files is cached (and verified: the cache is re-hashed on use),
	// only the others are missing.
	deb := []byte("a cached base-files .deb")
	sum := sha256.Sum256(deb)
	l.Packages[0].SHA256, l.Packages[0].Size = hex.EncodeToString(sum[:]), int64(len(deb))
	cached := f.CachePath(l.Packages[0].Pin())
	os.MkdirAll(filepath.Dir(cached), 0o755)
	os.WriteFile(cached, deb, 0o644)

	debs, err := fetchLocked(context.Background(), l, f, log)
	if err == nil {
		t.Fatalf("fetchLocked() = %v, nil; want an error", debs)
	}
	for _, want := range []string{
		"3 locked package(s) neither cached nor served by " + srv.URL + "/debian",
		"nasm 2.16.01-1 amd64 (pool/main/n/nasm/nasm_2.16.01-1_amd64.deb)",
		"gcc 4:12.2.0-3 amd64 (pool/main/g/gcc-defaults/gcc_12.2.0-3_amd64.deb)",
		"404",
		"go run mage.go toolchainLock",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "base-files") {
		t.Errorf("error names the cached package:\n%v", err)
	}
}
