package pcr

import (
	"bytes"
	"fmt"
	"unicode/utf8"

	"manx/tpm/eventlog"
)

// Digests holds one digest per bank.
type Digests map[eventlog.Alg][]byte

// sum hashes the concatenation of parts in every bank.
func sum(banks []eventlog.Alg, parts ...[]byte) (Digests, error) {
	d := Digests{}
	for _, a := range banks {
		s, err := a.Sum(parts...)
		if err != nil {
			return nil, err
		}
		d[a] = s
	}
	return d, nil
}

// stubSections are the sections systemd-stub 254 looks up, in the order of
// its UnifiedSection enum (systemd v254 src/fundamental/tpm-pcr.h,
// unified_sections[]). It measures them into PCR 11 in this order, except
// .pcrsig. Do not rearrange.
var stubSections = []string{".linux", ".osrel", ".cmdline", ".initrd", ".splash", ".dtb", ".uname", ".sbat", ".pcrsig", ".pcrpkey"}

// UKI is what the prediction reads from a UKI. ReadUKI fills it from the
// file; tests that cannot carry a 25 MB UKI fill it from recorded digests.
type UKI struct {
	// Authenticode is the UKI's Authenticode digest per bank (PCR 4).
	Authenticode Digests `json:"authenticode"`
	// LinuxAuthenticode is the digest of the .linux section's image as
	// systemd-stub hands it to LoadImage (PCR 4 with Secure Boot off).
	LinuxAuthenticode Digests `json:"linux_authenticode"`
	// Sections are the sections systemd-stub finds, in its enum order
	// (stubSections), with their VirtualSize and the digests of that many
	// bytes of section data. Absent and empty sections are left out.
	Sections []Section `json:"sections"`
	// Cmdline is the .cmdline text; PCR 9 measures it as load options.
	Cmdline string `json:"cmdline"`
	// Initrd is the initrd systemd-stub serves the kernel through LoadFile2
	// (PCR 9): its size (0 when there is none) and digests.
	Initrd Blob `json:"initrd"`
}

// Blob is data known by its size and digests.
type Blob struct {
	Size    int     `json:"size"`
	Digests Digests `json:"digests"`
}

// Section is one UKI section systemd-stub measures into PCR 11.
type Section struct {
	Name    string  `json:"name"`
	Size    int     `json:"size"` // VirtualSize: the bytes measured
	Digests Digests `json:"digests"`
}

// Section returns the named section.
func (u *UKI) Section(name string) (Section, bool) {
	for _, s := range u.Sections {
		if s.Name == name {
			return s, true
		}
	}
	return Section{}, false
}

// maxZeroFill bounds how far sections may extend past their raw data (the
// loader fills the rest with zeros), so a hostile header cannot make
// ReadUKI allocate gigabytes.
const maxZeroFill = 64 << 20

// ReadUKI summarises the UKI b for the given banks. Sections are found as
// systemd-stub 254 finds them (src/boot/efi/pe.c, locate_sections): a
// header matches a known name when its 8-byte name starts with it (no NUL
// check), and when several match the last header wins; the data is
// VirtualSize bytes as mapped in memory.
func ReadUKI(b []byte, banks ...eventlog.Alg) (*UKI, error) {
	if len(banks) == 0 {
		banks = []eventlog.Alg{eventlog.SHA256}
	}
	m, err := parsePE(b)
	if err != nil {
		return nil, fmt.Errorf("reading UKI: %w", err)
	}
	u := &UKI{Authenticode: Digests{}, LinuxAuthenticode: Digests{}}
	for _, a := range banks {
		if u.Authenticode[a], err = Authenticode(b, a); err != nil {
			return nil, fmt.Errorf("reading UKI: %w", err)
		}
	}
	found := map[string]peSection{}
	for _, s := range m.sections {
		for _, name := range stubSections {
			if bytes.HasPrefix(s.name[:], []byte(name)) {
				found[name] = s
			}
		}
	}
	var zeroFill uint64
	for _, s := range found {
		if s.virtualSize > s.rawSize {
			zeroFill += uint64(s.virtualSize - s.rawSize)
		}
	}
	if zeroFill > maxZeroFill {
		return nil, fmt.Errorf("reading UKI: sections extend %d bytes past their raw data, more than the %d this accepts", zeroFill, maxZeroFill)
	}
	data := map[string][]byte{}
	for _, name := range stubSections {
		s, ok := found[name]
		if !ok || s.virtualSize == 0 {
			continue
		}
		mem := m.memory(s)
		d, err := sum(banks, mem)
		if err != nil {
			return nil, fmt.Errorf("reading UKI: section %s: %w", name, err)
		}
		u.Sections = append(u.Sections, Section{Name: name, Size: len(mem), Digests: d})
		data[name] = mem
		if name == ".linux" {
			for _, a := range banks {
				if u.LinuxAuthenticode[a], err = Authenticode(mem, a); err != nil {
					return nil, fmt.Errorf("reading UKI: .linux: %w", err)
				}
			}
		}
	}
	u.Cmdline = string(data[".cmdline"])
	if initrd, ok := u.Section(".initrd"); ok && len(data[".pcrsig"])+len(data[".pcrpkey"]) == 0 {
		u.Initrd = Blob{initrd.Size, initrd.Digests}
	} else if initrd := stubInitrd(data[".initrd"], data[".pcrsig"], data[".pcrpkey"]); len(initrd) > 0 {
		if u.Initrd.Digests, err = sum(banks, initrd); err != nil {
			return nil, fmt.Errorf("reading UKI: initrd: %w", err)
		}
		u.Initrd.Size = len(initrd)
	}
	if _, ok := u.Section(".linux"); !ok {
		return nil, fmt.Errorf("reading UKI: no .linux section: systemd-stub would refuse it")
	}
	if !utf8.ValidString(u.Cmdline) {
		return nil, fmt.Errorf("reading UKI: .cmdline is not UTF-8")
	}
	return u, nil
}

// ReadUKIFile is ReadUKI of the file at path.
func ReadUKIFile(path string, banks ...eventlog.Alg) (*UKI, error) {
	b, err := readFile(path)
	if err != nil {
		return nil, err
	}
	u, err := ReadUKI(b, banks...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return u, nil
}
