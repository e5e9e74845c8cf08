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
	Authenticode Digests
	// LinuxAuthenticode is the digest of the .linux section's image as
	// systemd-stub hands it to LoadImage (PCR 4 with Secure Boot off).
	LinuxAuthenticode Digests
	// Sections are the sections systemd-stub finds, in its enum order
	// (stubSections), with their VirtualSize and the digests of that many
	// bytes of section data. Absent and empty sections are left out.
	Sections []Section
	// Cmdline is the .cmdline text; PCR 9 measures it as load options.
	Cmdline string
	// PCRSig and PCRPKey are the .pcrsig and .pcrpkey contents, which
	// systemd-stub wraps in cpio archives appended to the initrd (PCR 9).
	PCRSig, PCRPKey []byte
	// Initrd is the .initrd section data; nil when the UKI was summarised
	// without it (then PCR 9 can be predicted only without .pcrsig and
	// .pcrpkey, from the section digest).
	Initrd []byte
}

// Section is one UKI section systemd-stub measures into PCR 11.
type Section struct {
	Name    string
	Size    int // VirtualSize: the bytes measured
	Digests Digests
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
	for _, name := range stubSections {
		s, ok := found[name]
		if !ok || s.virtualSize == 0 {
			continue
		}
		data := m.memory(s)
		d, err := sum(banks, data)
		if err != nil {
			return nil, fmt.Errorf("reading UKI: section %s: %w", name, err)
		}
		u.Sections = append(u.Sections, Section{Name: name, Size: len(data), Digests: d})
		switch name {
		case ".linux":
			for _, a := range banks {
				if u.LinuxAuthenticode[a], err = Authenticode(data, a); err != nil {
					return nil, fmt.Errorf("reading UKI: .linux: %w", err)
				}
			}
		case ".cmdline":
			u.Cmdline = string(data)
		case ".initrd":
			u.Initrd = data
		case ".pcrsig":
			u.PCRSig = data
		case ".pcrpkey":
			u.PCRPKey = data
		}
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
