package uki

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"manx/uki/internal/pe"
)

// Spec is what goes into a UKI.
type Spec struct {
	// Stub is the systemd-stub (linuxx64.efi.stub, systemd 254); it must be unsigned.
	Stub []byte
	// Linux is the kernel (bzImage); required. A signed kernel keeps its signature.
	Linux []byte
	// Initrd is the initrd; optional (one file: concatenate several yourself, each
	// padded to 4 bytes, as ukify does).
	Initrd []byte
	// Cmdline is the kernel command line, stored as is (no trailing NUL); optional.
	Cmdline string
	// OSRelease is the os-release text for .osrel; optional but expected by
	// systemd-boot and bootctl.
	OSRelease string
	// Uname is the kernel release (`uname -r`) for .uname; optional.
	Uname string
	// SBAT is SBAT CSV text (starting with the "sbat,1,..." line) merged into .sbat
	// after the stub's and the kernel's entries; DefaultSBAT when empty.
	SBAT string
	// PCRPKey is the PEM public key of the PCR policy signatures (.pcrpkey);
	// optional.
	PCRPKey []byte
	// PCRSig is the JSON of PCR 11 policy signatures (.pcrsig, systemd's
	// format; manx/tpm/pcrsig); optional, and only with PCRPKey.
	PCRSig []byte
	// Time is the build time (SOURCE_DATE_EPOCH); it becomes the PE TimeDateStamp.
	// Required, so that no output depends on a clock.
	Time time.Time
}

// Build writes the UKI described by spec to w.
func Build(w io.Writer, spec Spec) error {
	b, err := Assemble(spec)
	if err != nil {
		return err
	}
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("writing UKI: %w", err)
	}
	return nil
}

// Assemble returns the UKI described by spec.
func Assemble(spec Spec) ([]byte, error) {
	if err := spec.validate(); err != nil {
		return nil, fmt.Errorf("assembling UKI: %w", err)
	}
	img, err := pe.Parse(spec.Stub)
	if err != nil {
		return nil, fmt.Errorf("assembling UKI: stub: %w", err)
	}
	if err := img.Prepare(); err != nil {
		return nil, fmt.Errorf("assembling UKI: stub: %w", err)
	}

	extra := spec.SBAT
	if extra == "" {
		extra = DefaultSBAT
	}
	stubSBAT, stubHasSBAT := img.SectionData(SectionSBAT)
	sbat := mergeSBAT(stubSBAT, spec.Linux, extra)

	for _, p := range order(spec, sbat) {
		if p.name == SectionSBAT && stubHasSBAT {
			err = img.ReplaceSection(p.name, p.data)
		} else {
			err = img.AddSection(p.name, p.data, characteristics(p.name))
		}
		if err != nil {
			return nil, fmt.Errorf("assembling UKI: %w", err)
		}
	}
	img.SetTimeDateStamp(uint32(spec.Time.Unix()))
	img.Finish()
	return img.Bytes(), nil
}

func (s Spec) validate() error {
	var errs []error
	if len(s.Stub) == 0 {
		errs = append(errs, errors.New("no stub"))
	}
	if len(s.Linux) == 0 {
		errs = append(errs, errors.New("no kernel (Linux)"))
	}
	if s.Time.IsZero() {
		errs = append(errs, errors.New("no build time (Time, from SOURCE_DATE_EPOCH)"))
	} else if u := s.Time.Unix(); u < 0 || u > 1<<32-1 {
		errs = append(errs, fmt.Errorf("build time %s does not fit a PE TimeDateStamp", s.Time.UTC().Format(time.RFC3339)))
	}
	for _, f := range []struct{ name, v string }{{"Cmdline", s.Cmdline}, {"OSRelease", s.OSRelease}, {"Uname", s.Uname}} {
		if strings.ContainsRune(f.v, 0) {
			errs = append(errs, fmt.Errorf("%s contains a NUL byte", f.name))
		}
	}
	if len(s.PCRSig) > 0 && len(s.PCRPKey) == 0 {
		errs = append(errs, errors.New("PCR signatures (.pcrsig) without their public key (.pcrpkey)"))
	}
	return errors.Join(errs...)
}
