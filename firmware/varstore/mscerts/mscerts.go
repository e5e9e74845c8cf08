// Package mscerts holds Microsoft's UEFI Secure Boot CA certificates as data:
// the two KEK CAs and the five db CAs that a Microsoft-compatible variable
// store enrols, copied byte for byte from a Debian package and pinned by
// SHA-256 in provenance.json (see README.md for how to re-check them).
package mscerts

import (
	"crypto/sha256"
	"crypto/x509"
	"embed"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
)

//go:embed *.pem provenance.json
var files embed.FS

// Variable names the Secure Boot variable a certificate belongs in.
const (
	VariableKEK = "KEK"
	VariableDB  = "db"
)

// Cert is one Microsoft certificate with its provenance record.
type Cert struct {
	Name        string // virt-firmware's name, e.g. "MS_KEK_2011"
	File        string // file name in this package
	Variable    string // VariableKEK or VariableDB
	Subject     string // RFC 2253 subject, as pkix.Name.String prints it
	DERSHA256   string // lower-case hex SHA-256 of the DER certificate
	Certificate *x509.Certificate
}

// provenance mirrors provenance.json; only the fields the code checks.
type provenance struct {
	Package struct {
		Name      string `json:"name"`
		Version   string `json:"version"`
		DebSHA256 string `json:"deb_sha256"`
	} `json:"package"`
	OwnerGUID    string `json:"owner_guid"`
	Certificates []struct {
		Name       string `json:"name"`
		File       string `json:"file"`
		Variable   string `json:"variable"`
		FileSHA256 string `json:"file_sha256"`
		DERSHA256  string `json:"der_sha256"`
		Subject    string `json:"subject"`
	} `json:"certificates"`
}

// All returns every certificate in provenance.json order, which is the order
// they are enrolled in (KEK first, then db). Each file's and each DER's
// SHA-256 and the subject are checked against provenance.json.
func All() ([]Cert, error) {
	raw, err := files.ReadFile("provenance.json")
	if err != nil {
		return nil, fmt.Errorf("reading provenance.json: %w", err)
	}
	var p provenance
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, fmt.Errorf("parsing provenance.json: %w", err)
	}
	if len(p.Certificates) == 0 {
		return nil, errors.New("provenance.json lists no certificates")
	}
	out := make([]Cert, 0, len(p.Certificates))
	for _, pc := range p.Certificates {
		c, err := load(pc.File, pc.FileSHA256, pc.DERSHA256, pc.Subject)
		if err != nil {
			return nil, fmt.Errorf("certificate %s: %w", pc.Name, err)
		}
		if pc.Variable != VariableKEK && pc.Variable != VariableDB {
			return nil, fmt.Errorf("certificate %s: variable %q, want %q or %q", pc.Name, pc.Variable, VariableKEK, VariableDB)
		}
		out = append(out, Cert{
			Name:        pc.Name,
			File:        pc.File,
			Variable:    pc.Variable,
			Subject:     pc.Subject,
			DERSHA256:   pc.DERSHA256,
			Certificate: c,
		})
	}
	return out, nil
}

// load reads one PEM file and checks it against its pins.
func load(name, fileSum, derSum, subject string) (*x509.Certificate, error) {
	b, err := files.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, err)
	}
	if got := sha256Hex(b); got != fileSum {
		return nil, fmt.Errorf("%s: file sha256 %s, want %s", name, got, fileSum)
	}
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, fmt.Errorf("%s: no PEM CERTIFICATE block", name)
	}
	if got := sha256Hex(block.Bytes); got != derSum {
		return nil, fmt.Errorf("%s: DER sha256 %s, want %s", name, got, derSum)
	}
	c, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s: parsing certificate: %w", name, err)
	}
	if got := c.Subject.String(); got != subject {
		return nil, fmt.Errorf("%s: subject %q, want %q", name, got, subject)
	}
	return c, nil
}

// KEK returns the Microsoft KEK CAs in enrolment order.
func KEK() ([]*x509.Certificate, error) { return byVariable(VariableKEK) }

// DB returns the Microsoft db CAs in enrolment order.
func DB() ([]*x509.Certificate, error) { return byVariable(VariableDB) }

func byVariable(v string) ([]*x509.Certificate, error) {
	all, err := All()
	if err != nil {
		return nil, err
	}
	var out []*x509.Certificate
	for _, c := range all {
		if c.Variable == v {
			out = append(out, c.Certificate)
		}
	}
	return out, nil
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
