package initramfs

import (
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/u-root/mkuimage/cpio"
)

func TestCleanName(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		wantErr  bool
	}{
		{"etc/x", "etc/x", false},
		{"/etc/x", "etc/x", false},
		{"etc//./x/", "etc/x", false},
		{"a/../b", "b", false},
		{"", "", true},
		{"/", "", true},
		{"..", "", true},
		{"../etc", "", true},
		{"a/../../etc", "", true},
		{"a\x00b", "", true},
	} {
		got, err := cleanName(tc.in)
		if got != tc.want || (err != nil) != tc.wantErr {
			t.Errorf("cleanName(%q) = %q, %v, want %q, error %v", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}

// info is the part of a normalised entry the tests compare.
type info struct {
	Name             string
	Ino, Mode, NLink uint64
	MTime, UID, GID  uint64
	Rmajor, Rminor   uint64
	Data             string
}

func infos(es []entry) []info {
	out := make([]info, len(es))
	for i, e := range es {
		out[i] = info{e.info.Name, e.info.Ino, e.info.Mode, e.info.NLink, e.info.MTime, e.info.UID, e.info.GID,
			e.info.Rmajor, e.info.Rminor, string(e.data)}
	}
	return out
}

func TestNormalize(t *testing.T) {
	host := func(name string, mode uint64, data string) entry {
		return entry{info: cpio.Info{Name: name, Mode: mode, UID: 1000, GID: 1000, Ino: 99, Dev: 7, Major: 8, Minor: 1,
			MTime: 1700000000, NLink: 3, FileSize: uint64(len(data))}, data: []byte(data)}
	}
	in := []entry{
		host("bbin/bb", cpio.S_IFREG|0o775, "ELF"),
		host("/etc/motd", cpio.S_IFREG|0o664, "hi"),
		host("bin", cpio.S_IFDIR|0o700, ""),
		host("bin/init", cpio.S_IFREG|0o700, "init"),
		host("init", cpio.S_IFLNK|0o755, "bin/init"),
		{info: cpio.CharDev("dev/console", 0o600, 5, 1).Info},
		{info: cpio.Directory("tmp", 0o1777).Info},
		{info: cpio.Directory("bin", 0o755).Info},
		host("etc/manx/secret", cpio.S_IFREG|0o600, "s"),
	}
	keep := explicit{"dev/console": true, "tmp": true, "etc/manx/secret": true}
	epoch := time.Unix(1234567890, 0)
	got, err := normalize(in, keep, epoch)
	if err != nil {
		t.Fatal(err)
	}
	const m = 1234567890
	want := []info{
		{"bbin", 1, cpio.S_IFDIR | 0o755, 2, m, 0, 0, 0, 0, ""},
		{"bbin/bb", 2, cpio.S_IFREG | 0o755, 1, m, 0, 0, 0, 0, "ELF"},
		{"bin", 3, cpio.S_IFDIR | 0o755, 2, m, 0, 0, 0, 0, ""},
		{"bin/init", 4, cpio.S_IFREG | 0o755, 1, m, 0, 0, 0, 0, "init"},
		{"dev", 5, cpio.S_IFDIR | 0o755, 2, m, 0, 0, 0, 0, ""},
		{"dev/console", 6, cpio.S_IFCHR | 0o600, 1, m, 0, 0, 5, 1, ""},
		{"etc", 7, cpio.S_IFDIR | 0o755, 2, m, 0, 0, 0, 0, ""},
		{"etc/manx", 8, cpio.S_IFDIR | 0o755, 2, m, 0, 0, 0, 0, ""},
		{"etc/manx/secret", 9, cpio.S_IFREG | 0o600, 1, m, 0, 0, 0, 0, "s"},
		{"etc/motd", 10, cpio.S_IFREG | 0o644, 1, m, 0, 0, 0, 0, "hi"},
		{"init", 11, cpio.S_IFLNK | 0o777, 1, m, 0, 0, 0, 0, "bin/init"},
		{"tmp", 12, cpio.S_IFDIR | 0o1777, 2, m, 0, 0, 0, 0, ""},
	}
	if diff := cmp.Diff(want, infos(got)); diff != "" {
		t.Errorf("normalize mismatch (-want +got):\n%s", diff)
	}
	for _, e := range got {
		if e.info.Dev != 0 || e.info.Major != 0 || e.info.Minor != 0 || e.info.FileSize != uint64(len(e.data)) {
			t.Errorf("normalize: %s has %v", e.info.Name, e.info)
		}
	}

	// The input order does not matter.
	rev := make([]entry, len(in))
	for i := range in {
		rev[len(in)-1-i] = in[i]
	}
	again, err := normalize(rev, keep, epoch)
	if err != nil {
		t.Fatal(err)
	}
	// bin appears twice; the explicit one wins only when it is first.
	if diff := cmp.Diff(infos(got), infos(again)); diff != "" {
		t.Errorf("normalize depends on input order (-first +reversed):\n%s", diff)
	}
}

func TestNormalizeZeroEpoch(t *testing.T) {
	got, err := normalize([]entry{{info: cpio.Info{Name: "x", Mode: cpio.S_IFREG, MTime: 5}}}, nil, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if got[0].info.MTime != 0 {
		t.Errorf("normalize(epoch zero) mtime = %d, want 0", got[0].info.MTime)
	}
}

func TestNormalizeErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   []entry
		want string
	}{
		{"duplicate file", []entry{
			{info: cpio.Info{Name: "bin/x", Mode: cpio.S_IFREG}},
			{info: cpio.Info{Name: "/bin/x", Mode: cpio.S_IFREG}},
		}, "two entries"},
		{"file and directory", []entry{
			{info: cpio.Info{Name: "etc", Mode: cpio.S_IFREG}},
			{info: cpio.Info{Name: "etc", Mode: cpio.S_IFDIR}},
		}, "two entries"},
		{"escaping path", []entry{{info: cpio.Info{Name: "../x", Mode: cpio.S_IFREG}}}, "invalid"},
	} {
		if _, err := normalize(tc.in, nil, time.Time{}); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: normalize error = %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

func TestFileEntries(t *testing.T) {
	got, err := fileEntries(map[string]File{
		"/etc/manx/policy.json": {Data: []byte("{}"), Mode: 0o444},
		"etc/manx/key":          {Data: []byte("k"), Mode: 0o600},
		"bin/tool":              {Data: []byte("#!"), Mode: 0o755 | fs.ModeSetuid},
		"etc/default":           {Data: []byte("d")},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []info{
		{Name: "bin/tool", Mode: cpio.S_IFREG | cpio.S_ISUID | 0o755, Data: "#!"},
		{Name: "etc/default", Mode: cpio.S_IFREG | 0o644, Data: "d"},
		{Name: "etc/manx/key", Mode: cpio.S_IFREG | 0o600, Data: "k"},
		{Name: "etc/manx/policy.json", Mode: cpio.S_IFREG | 0o444, Data: "{}"},
	}
	if diff := cmp.Diff(want, infos(got)); diff != "" {
		t.Errorf("fileEntries mismatch (-want +got):\n%s", diff)
	}
	for _, bad := range []map[string]File{
		{"../x": {}},
		{"dev/x": {Mode: fs.ModeDevice | 0o600}},
		{"x": {Mode: fs.ModeSymlink}},
	} {
		if _, err := fileEntries(bad); err == nil {
			t.Errorf("fileEntries(%v) error = nil, want error", bad)
		}
	}
}
