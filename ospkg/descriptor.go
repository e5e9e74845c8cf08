package ospkg

import (
	"bytes"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/url"
)

// MaxDescriptorSize bounds ParseDescriptor's input (a descriptor with a
// handful of certificates is a few KiB).
const MaxDescriptorSize = 1 << 20

// descriptorVersion is the only descriptor format version accepted: 2, a
// signed statement. Version 1 (System Transparency's, a signature over
// SHA-256(zip) alone) is refused.
const descriptorVersion = 2

// Descriptor is NAME.json, format version 2. Field names and encodings of
// version, os_pkg_url, certificates and signatures are System
// Transparency's (base64 byte strings, certificates as PEM); os_pkg_sha256,
// pkg_version, not_after and label are Manx's signed statement (see the
// package documentation and Statement).
type Descriptor struct {
	Version      int      `json:"version"`
	PkgURL       string   `json:"os_pkg_url"`    // absolute http(s) URL, or relative to the descriptor's URL
	PkgSHA256    string   `json:"os_pkg_sha256"` // hex SHA-256 of the zip (signed)
	PkgVersion   uint64   `json:"pkg_version"`   // >= 1, higher with every release (signed)
	NotAfter     string   `json:"not_after"`     // RFC 3339 UTC, or "" for no expiry (signed)
	Label        string   `json:"label"`         // printable, one line (signed)
	Certificates [][]byte `json:"certificates"`  // signer i's certificate, PEM (or DER)
	Signatures   [][]byte `json:"signatures"`    // signer i's Ed25519 signature over Statement().Bytes()
}

// Statement returns the statement d's signatures must cover. It fails (with
// ErrFormat) only for a descriptor ParseDescriptor would refuse.
func (d *Descriptor) Statement() (Statement, error) {
	if err := d.check(); err != nil {
		return Statement{}, err
	}
	return d.statement(), nil
}

// statement is d's statement; d must have passed check.
func (d *Descriptor) statement() Statement {
	na, _ := parseNotAfter(d.NotAfter) // checked
	return Statement{Label: d.Label, PkgSHA256: d.PkgSHA256, PkgVersion: d.PkgVersion, NotAfter: na}
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

// ParseDescriptor parses and checks the structure of a descriptor: format
// version 2, a usable URL, a well-formed statement (os_pkg_sha256,
// pkg_version >= 1, not_after, label), as many signatures as certificates,
// every certificate parseable, every signature 64 bytes. It checks no
// signature; that is Verify's job. A version 1 descriptor is refused with a
// message saying so. Errors wrap ErrFormat.
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
	if d.Version == 1 {
		return kindError(ErrFormat, "ospkg: descriptor format version 1 (a signed hash: no package version or expiry) is no longer accepted; re-sign it as version %d", descriptorVersion)
	}
	var errs []error
	if d.Version != descriptorVersion {
		errs = append(errs, fmt.Errorf("version %d, want %d", d.Version, descriptorVersion))
	}
	if err := checkPkgURL(d.PkgURL); err != nil {
		errs = append(errs, err)
	}
	if err := (Statement{Label: d.Label, PkgSHA256: d.PkgSHA256, PkgVersion: d.PkgVersion}).check(); err != nil {
		errs = append(errs, err)
	}
	if _, err := parseNotAfter(d.NotAfter); err != nil {
		errs = append(errs, err)
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
