package kernel

import (
	"bytes"
	"context"
	"crypto/x509"
	"embed"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"

	"manx/internal/recipe"
	"manx/internal/stage"
)

//go:embed config/*.fragment
var fragmentFS embed.FS

//go:embed configure.sh
var configureScript string

//go:embed build.sh
var buildScript string

// PinName is the kernel source pin in pins.json.
const PinName = "linux"

// Fragments returns the checked-in fragments, in merge order.
func Fragments() (names []string, frags []Config, err error) {
	ents, err := fs.Glob(fragmentFS, "config/*.fragment")
	if err != nil {
		return nil, nil, err
	}
	sort.Strings(ents)
	for _, e := range ents {
		b, err := fragmentFS.ReadFile(e)
		if err != nil {
			return nil, nil, err
		}
		c, err := ParseConfig(bytes.NewReader(b), "kernel/"+e)
		if err != nil {
			return nil, nil, err
		}
		names = append(names, e)
		frags = append(frags, c)
	}
	return names, frags, nil
}

// KexecCertFile is where the kernel build finds the kexec certificate (PEM)
// in its work tree; configure.sh puts it into the source tree as
// certs/manx-kexec.pem, which CONFIG_SYSTEM_TRUSTED_KEYS names.
const KexecCertFile = "kexec.pem"

// Stage describes the kernel build with kexecCert (PEM), the certificate the
// kernel's builtin trusted keyring holds: kexec_file_load accepts only
// kernels it signed. It is an input like the fragments: another certificate
// is another kernel.
func Stage(kexecCert []byte) (recipe.Stage, error) {
	names, frags, err := Fragments()
	if err != nil {
		return recipe.Stage{}, err
	}
	inputs := map[string]string{}
	for _, n := range names {
		b, _ := fragmentFS.ReadFile(n)
		inputs[n] = string(b)
	}
	inputs[KexecCertFile] = string(kexecCert)
	requested := Merge(frags...)
	return recipe.Stage{
		Name: "kernel", Pin: PinName, Inputs: inputs,
		Outputs: []string{"bzImage", "config"},
		Note:    "about 10 minutes on 2 cores",
		Steps: []recipe.Step{
			{Name: "kernel-configure", Script: configureScript, Check: func(out string) error {
				b, err := os.ReadFile(filepath.Join(out, "config"))
				if err != nil {
					return err
				}
				final, err := ParseConfig(bytes.NewReader(b), "kernel .config")
				if err != nil {
					return err
				}
				return Check(requested, final)
			}},
			{Name: "kernel-build", Script: buildScript},
		},
	}, nil
}

// ParseCertificatePEM returns the one X.509 certificate in b, a PEM file
// holding exactly one CERTIFICATE block: what the kernel's extract-cert
// takes.
func ParseCertificatePEM(b []byte) (*x509.Certificate, error) {
	blk, rest := pem.Decode(b)
	if blk == nil || blk.Type != "CERTIFICATE" {
		return nil, errors.New("not a PEM CERTIFICATE")
	}
	if len(bytes.TrimSpace(rest)) > 0 {
		return nil, errors.New("more than one PEM block")
	}
	return x509.ParseCertificate(blk.Bytes)
}

// Build produces bzImage and config in outDir (relative to the build
// directory; the artefact catalogue names it), or returns at once when they
// are fresh.
func Build(ctx context.Context, e recipe.Env, outDir string, kexecCert []byte) (recipe.Artefact, error) {
	if _, err := ParseCertificatePEM(kexecCert); err != nil {
		return recipe.Artefact{}, fmt.Errorf("kernel: the kexec certificate: %w", err)
	}
	s, err := Stage(kexecCert)
	if err != nil {
		return recipe.Artefact{}, err
	}
	s.OutDir = outDir
	arts, err := s.Run(ctx, e, func(work string) error {
		names, _, _ := Fragments()
		dir := filepath.Join(work, "fragments")
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
		for _, n := range names {
			b, _ := fragmentFS.ReadFile(n)
			if err := stage.WriteFileAtomic(filepath.Join(dir, filepath.Base(n)), b, 0o644); err != nil {
				return fmt.Errorf("writing fragments: %w", err)
			}
		}
		if err := stage.WriteFileAtomic(filepath.Join(work, KexecCertFile), kexecCert, 0o644); err != nil {
			return fmt.Errorf("writing the kexec certificate: %w", err)
		}
		return nil
	})
	if err != nil {
		return recipe.Artefact{}, err
	}
	return arts[0], nil
}
