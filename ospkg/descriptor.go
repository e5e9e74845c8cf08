package ospkg

import (
	"bytes"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/url"
)

// MaxDescriptorSize bounds ParseDescriptor's input (a descriptor with a
// handful of certificates is a few KiB).
const MaxDescriptorSize = 1 << 20

// Descriptor is NAME.json. Field names and encodings are System
// Transparency's (base64 byte strings, certificates as PEM), plus Manx's
// os_pkg_sha256 (see the package documentation).
type Descriptor struct {
	Version      int      `json:"version"`
	PkgURL       string   `json:"os_pkg_url"`              // absolute http(s) URL, or relative to the descriptor's URL
	PkgSHA256    string   `json:"os_pkg_sha256,omitempty"` // hex SHA-256 of the zip the signers signed
	Certificates [][]byte `json:"certificates"`            // signer i's certificate, PEM (or DER)
	Signatures   [][]byte `json:"signatures"`              // signer i's Ed25519 signature over SHA-256(zip)
}

// Marshal returns the descriptor's canonical JSON (indented, fixed field
// order, trailing newline): equal descriptors give equal bytes.
func (d *Descriptor) Marshal() ([]byte, error) {
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("ospkg: encoding descriptor: %w", err)
	}
	return append(b, '\n'), nil
}

// ParseDescriptor parses and checks the structure of a descriptor: version
// 1, a usable URL, as many signatures as certificates, every certificate
// parseable, every signature 64 bytes. It checks no signature; that is
// Verify's job. Errors wrap ErrFormat.
func ParseDescriptor(b []byte) (*Descriptor, error) {
	if len(b) > MaxDescriptorSize {
		return nil, kindError(ErrFormat, "ospkg: descriptor is %d bytes, limit %d", len(b), MaxDescriptorSize)
	}
	var d Descriptor
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, kindError(ErrFormat, "ospkg: parsing descriptor: %w", err)
	}
	if err := d.check(); err != nil {
		return nil, err
	}
	return &d, nil
}

// check validates the structure of d; errors wrap ErrFormat and list every
// problem.
func (d *Descriptor) check() error {
	var errs []error
	if d.Version != manifestVersion {
		errs = append(errs, fmt.Errorf("version %d, want %d", d.Version, manifestVersion))
	}
	if err := checkPkgURL(d.PkgURL); err != nil {
		errs = append(errs, err)
	}
	if d.PkgSHA256 != "" {
		if raw, err := hex.DecodeString(d.PkgSHA256); err != nil || len(raw) != 32 || hex.EncodeToString(raw) != d.PkgSHA256 {
			errs = append(errs, fmt.Errorf("os_pkg_sha256 %q is not 64 lower-case hex digits", d.PkgSHA256))
		}
	}
	if len(d.Certificates) == 0 {
		errs = append(errs, errors.New("no certificates"))
	}
	if len(d.Certificates) != len(d.Signatures) {
		errs = append(errs, fmt.Errorf("%d certificate(s) but %d signature(s)", len(d.Certificates), len(d.Signatures)))
	}
	for i, c := range d.Certificates {
		if _, err := parseCert(c); err != nil {
			errs = append(errs, fmt.Errorf("certificate %d: %w", i, err))
		}
	}
	for i, s := range d.Signatures {
		if len(s) != ed25519.SignatureSize {
			errs = append(errs, fmt.Errorf("signature %d is %d bytes, want %d (Ed25519)", i, len(s), ed25519.SignatureSize))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return kindError(ErrFormat, "ospkg: descriptor: %w", err)
	}
	return nil
}

// checkPkgURL accepts "" (no network location), an absolute http or https
// URL with a host, or a relative reference.
func checkPkgURL(s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil {
		return fmt.Errorf("os_pkg_url: %w", err)
	}
	switch u.Scheme {
	case "":
		if u.Host != "" {
			return fmt.Errorf("os_pkg_url %q: network-path reference without scheme", s)
		}
	case "http", "https":
		if u.Host == "" {
			return fmt.Errorf("os_pkg_url %q: no host", s)
		}
	default:
		return fmt.Errorf("os_pkg_url %q: scheme %q, want http or https", s, u.Scheme)
	}
	return nil
}

// parseCert parses one descriptor certificate: PEM (one CERTIFICATE block,
// nothing else) or DER.
func parseCert(b []byte) (*x509.Certificate, error) {
	der := b
	if bytes.HasPrefix(bytes.TrimLeft(b, " \t\r\n"), []byte("-----BEGIN")) {
		blk, rest := pem.Decode(b)
		if blk == nil {
			return nil, errors.New("bad PEM")
		}
		if blk.Type != "CERTIFICATE" {
			return nil, fmt.Errorf("PEM block %q, want CERTIFICATE", blk.Type)
		}
		if len(bytes.TrimSpace(rest)) != 0 {
			return nil, errors.New("data after the PEM certificate")
		}
		der = blk.Bytes
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return c, nil
}
