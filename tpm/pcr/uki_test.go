package pcr

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"manx/tpm/eventlog"
	"manx/uki"
)

func TestReadUKI(t *testing.T) {
	spec := testSpec(t)
	b := assemble(t, spec)
	u, err := ReadUKI(b, eventlog.SHA256, eventlog.SHA1)
	if err != nil {
		t.Fatalf("ReadUKI() = %v", err)
	}
	var names []string
	for _, s := range u.Sections {
		names = append(names, s.Name)
	}
	// systemd-stub's enum order, not the file's (.osrel ... .sbat .linux).
	if want := []string{".linux", ".osrel", ".cmdline", ".initrd", ".uname", ".sbat"}; !cmp.Equal(names, want) {
		t.Errorf("ReadUKI() sections = %v, want %v", names, want)
	}
	for name, data := range map[string][]byte{".linux": spec.Linux, ".osrel": []byte(spec.OSRelease), ".cmdline": []byte(spec.Cmdline),
		".initrd": spec.Initrd, ".uname": []byte(spec.Uname)} {
		s, _ := u.Section(name)
		if s.Size != len(data) || !bytes.Equal(s.Digests[eventlog.SHA256], h256(data)) || len(s.Digests[eventlog.SHA1]) != 20 {
			t.Errorf("section %s = %d bytes, sha256 %x; want %d bytes, %x", name, s.Size, s.Digests[eventlog.SHA256], len(data), h256(data))
		}
	}
	if sbat, _ := u.Section(".sbat"); sbat.Size == 0 {
		t.Errorf(".sbat empty")
	}
	if u.Cmdline != spec.Cmdline || u.Initrd.Size != len(spec.Initrd) || !bytes.Equal(u.Initrd.Digests[eventlog.SHA256], h256(spec.Initrd)) {
		t.Errorf("ReadUKI() Cmdline = %q, Initrd %+v", u.Cmdline, u.Initrd)
	}
	wantLinux, _ := Authenticode(spec.Linux, eventlog.SHA256)
	wantUKI, _ := Authenticode(b, eventlog.SHA256)
	if !bytes.Equal(u.LinuxAuthenticode[eventlog.SHA256], wantLinux) || !bytes.Equal(u.Authenticode[eventlog.SHA256], wantUKI) {
		t.Errorf("ReadUKI() Authenticode digests differ from Authenticode()")
	}
}

// TestReadUKIStubLookup: sections are found by name prefix, the last
// header wins, and VirtualSize beyond the raw data reads zeros, as
// systemd-stub's locate_sections and the PE loader do.
func TestReadUKIStubLookup(t *testing.T) {
	kernel := makePE([]section{{name: ".text", data: []byte("kernel")}}, nil)
	img := makePE([]section{
		{name: ".cmdline", data: []byte("first")},
		{name: ".linux", data: kernel},
		{name: ".cmdlineX", data: []byte("second")}, // prefix match, later: wins
		{name: ".osrel", data: []byte("ID=x"), virtualSize: 0x300},
		{name: ".initrd", data: nil},
		{name: ".pcrsig", data: []byte("{}")},
		{name: ".pcrpkey", data: []byte("KEY")},
	}, nil)
	u, err := ReadUKI(img)
	if err != nil {
		t.Fatalf("ReadUKI() = %v", err)
	}
	if u.Cmdline != "second" {
		t.Errorf("Cmdline = %q, want the last matching header's %q", u.Cmdline, "second")
	}
	osrel := append([]byte("ID=x"), make([]byte, 0x300-4)...)
	if s, _ := u.Section(".osrel"); s.Size != 0x300 || !bytes.Equal(s.Digests[eventlog.SHA256], h256(osrel)) {
		t.Errorf(".osrel = %d bytes %x, want 0x300 bytes zero-extended", s.Size, s.Digests[eventlog.SHA256])
	}
	if _, ok := u.Section(".initrd"); ok {
		t.Errorf("empty .initrd listed")
	}
	// No .initrd data, but .pcrsig and .pcrpkey: the initrd is their
	// two cpio archives.
	cpios := append(stubCPIO(".extra", "tpm2-pcr-signature.json", []byte("{}")), stubCPIO(".extra", "tpm2-pcr-public-key.pem", []byte("KEY"))...)
	if u.Initrd.Size != len(cpios) || !bytes.Equal(u.Initrd.Digests[eventlog.SHA256], h256(cpios)) {
		t.Errorf("Initrd = %+v, want the two cpio archives (%d bytes)", u.Initrd, len(cpios))
	}
}

func TestReadUKIErrors(t *testing.T) {
	noLinux := makePE([]section{{name: ".osrel", data: []byte("ID=x")}}, nil)
	badLinux := makePE([]section{{name: ".linux", data: []byte("not a PE")}}, nil)
	badCmdline := makePE([]section{{name: ".linux", data: testSpec(t).Stub}, {name: ".cmdline", data: []byte{0xff}}}, nil)
	for name, tt := range map[string]struct {
		in   []byte
		want string
	}{
		"not a PE":      {[]byte("MZ"), "no MZ header"},
		"no .linux":     {noLinux, "no .linux section"},
		"bad .linux":    {badLinux, ".linux"},
		"cmdline UTF-8": {badCmdline, "UTF-8"},
	} {
		if _, err := ReadUKI(tt.in); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ReadUKI(%s) = %v, want an error containing %q", name, err, tt.want)
		}
	}
	_ = uki.SectionLinux
}

func FuzzReadUKI(f *testing.F) {
	f.Add([]byte{})
	f.Add(makePE([]section{{name: ".linux", data: makePE([]section{{name: ".text", data: []byte("k")}}, nil)}, {name: ".cmdline", data: []byte("x")}}, []byte("tail")))
	f.Add(makePE([]section{{name: ".osrel", data: []byte("ID=x"), virtualSize: 0x10000}}, nil))
	f.Fuzz(func(t *testing.T, b []byte) {
		// Bounded work: no section may claim more memory than the file has
		// plus a 16 MiB allowance, else skip (the fuzzer would only time out).
		if m, err := parsePE(b); err == nil {
			for _, s := range m.sections {
				if s.virtualSize > 16<<20 {
					return
				}
			}
		}
		u, err := ReadUKI(b, eventlog.SHA256)
		if err != nil {
			return
		}
		if _, err := Predict(Inputs{UKI: u}); err != nil && !strings.Contains(err.Error(), "variable store") {
			t.Fatalf("Predict(ReadUKI(b)) = %v", err)
		}
	})
}
