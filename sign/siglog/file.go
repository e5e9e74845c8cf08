package siglog

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"manx/internal/atomicfile"
	"manx/sign/keys"
)

// SchemaVersion is the file format version Marshal writes and Parse reads.
const SchemaVersion = 1

// MaxSize bounds the file Parse accepts.
const MaxSize = 1 << 20

// ErrInvalid wraps every Parse error.
var ErrInvalid = errors.New("invalid signature log")

type fileLog struct {
	Schema       int         `json:"schema"`
	Certificates []fileCert  `json:"certificates"`
	Signatures   []fileEntry `json:"signatures"`
}

type fileCert struct {
	Role string `json:"role"`
	DER  string `json:"der"` // standard base64
}

type fileEntry struct {
	Role      string `json:"role"`
	Hash      string `json:"hash"`      // "SHA-256", or "" for PureEd25519
	Input     string `json:"input"`     // lowercase hex
	Signature string `json:"signature"` // standard base64
}

var hashNames = map[crypto.Hash]string{0: "", crypto.SHA256: "SHA-256"}

// Marshal encodes l deterministically.
func (l *Log) Marshal() ([]byte, error) {
	f := fileLog{Schema: SchemaVersion, Certificates: []fileCert{}, Signatures: []fileEntry{}}
	for _, r := range keys.Roles {
		f.Certificates = append(f.Certificates, fileCert{Role: string(r), DER: base64.StdEncoding.EncodeToString(l.certs[r].Raw)})
	}
	for _, e := range l.Entries() {
		name, ok := hashNames[e.Hash]
		if !ok {
			return nil, fmt.Errorf("signature log: %s: unsupported hash %v", e.Role, e.Hash)
		}
		f.Signatures = append(f.Signatures, fileEntry{Role: string(e.Role), Hash: name,
			Input: hex.EncodeToString(e.Input), Signature: base64.StdEncoding.EncodeToString(e.Signature)})
	}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("signature log: %w", err)
	}
	return append(b, '\n'), nil
}

// Parse decodes and checks a signature log (see the package doc).
func Parse(b []byte) (*Log, error) {
	if len(b) > MaxSize {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrInvalid, MaxSize)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var f fileLog
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("%w: decoding: %v", ErrInvalid, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: trailing data after the log object", ErrInvalid)
	}
	if f.Schema != SchemaVersion {
		return nil, fmt.Errorf("%w: schema %d, want %d", ErrInvalid, f.Schema, SchemaVersion)
	}
	l := &Log{certs: map[keys.Role]*x509.Certificate{}, entries: map[string]Entry{}}
	for i, c := range f.Certificates {
		r := keys.Role(c.Role)
		if !isRole(r) {
			return nil, fmt.Errorf("%w: certificates[%d]: unknown role %q", ErrInvalid, i, c.Role)
		}
		if l.certs[r] != nil {
			return nil, fmt.Errorf("%w: certificates[%d]: role %s twice", ErrInvalid, i, r)
		}
		der, err := base64.StdEncoding.Strict().DecodeString(c.DER)
		if err != nil {
			return nil, fmt.Errorf("%w: certificates[%d] (%s): der: %v", ErrInvalid, i, r, err)
		}
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, fmt.Errorf("%w: certificates[%d] (%s): %v", ErrInvalid, i, r, err)
		}
		l.certs[r] = cert
	}
	for _, r := range keys.Roles {
		if l.certs[r] == nil {
			return nil, fmt.Errorf("%w: no certificate for role %s", ErrInvalid, r)
		}
	}
	for i, fe := range f.Signatures {
		e, err := decodeEntry(fe)
		if err != nil {
			return nil, fmt.Errorf("%w: signatures[%d]: %v", ErrInvalid, i, err)
		}
		if _, dup := l.entries[e.key()]; dup {
			return nil, fmt.Errorf("%w: signatures[%d]: %s over %x twice", ErrInvalid, i, e.Role, e.Input)
		}
		if err := l.add(e); err != nil {
			return nil, fmt.Errorf("%w: signatures[%d]: %v", ErrInvalid, i, err)
		}
	}
	return l, nil
}

func decodeEntry(fe fileEntry) (Entry, error) {
	e := Entry{Role: keys.Role(fe.Role)}
	if !isRole(e.Role) {
		return e, fmt.Errorf("unknown role %q", fe.Role)
	}
	found := false
	for h, name := range hashNames {
		if name == fe.Hash {
			e.Hash, found = h, true
		}
	}
	if !found {
		return e, fmt.Errorf("%s: unsupported hash %q", e.Role, fe.Hash)
	}
	var err error
	if e.Input, err = hex.DecodeString(fe.Input); err != nil {
		return e, fmt.Errorf("%s: input: %v", e.Role, err)
	}
	if hex.EncodeToString(e.Input) != fe.Input {
		return e, fmt.Errorf("%s: input: not lowercase hex", e.Role)
	}
	if e.Signature, err = base64.StdEncoding.Strict().DecodeString(fe.Signature); err != nil {
		return e, fmt.Errorf("%s: signature: %v", e.Role, err)
	}
	return e, nil
}

func isRole(r keys.Role) bool { return slices.Contains(keys.Roles, r) }

// Read reads and checks the signature log at path; errors name the file.
func Read(path string) (*Log, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading signature log: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading signature log %s: %w", path, err)
	}
	l, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return l, nil
}

// Write writes l to path atomically (see manx/internal/atomicfile), creating
// its directory if need be.
func Write(path string, l *Log) error {
	b, err := l.Marshal()
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return atomicfile.Write(path, b, 0o644)
}
