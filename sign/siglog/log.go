package siglog

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"slices"
	"sync"

	"manx/sign/keys"
)

// MaxInput bounds the bytes one entry may have signed: Manx signs digests
// (32 bytes), never whole files.
const MaxInput = 1024

// ErrNoSignature is returned by a replayed signer asked to sign an input
// the publisher never signed.
var ErrNoSignature = errors.New("no published signature")

// Entry is one signature made by one member of the key hierarchy.
type Entry struct {
	Role      keys.Role
	Hash      crypto.Hash // crypto.SHA256 for RSA PKCS#1 v1.5; 0 for PureEd25519
	Input     []byte      // the digest (RSA) or message (Ed25519) passed to Sign
	Signature []byte
}

func (e Entry) key() string {
	return fmt.Sprintf("%s/%d/%x", e.Role, e.Hash, e.Input)
}

// Log is a key hierarchy's certificates and the signatures made with it.
// It is safe for concurrent use.
type Log struct {
	certs map[keys.Role]*x509.Certificate

	mu      sync.Mutex
	entries map[string]Entry
}

// New returns an empty log for the certificates of set.
func New(set *keys.Set) *Log {
	l := &Log{certs: map[keys.Role]*x509.Certificate{}, entries: map[string]Entry{}}
	for _, r := range keys.Roles {
		l.certs[r] = set.Get(r).Certificate()
	}
	return l
}

// Certificate returns the certificate of role r (nil if r is unknown).
func (l *Log) Certificate(r keys.Role) *x509.Certificate { return l.certs[r] }

// Entries returns the signatures in file order: by role (keys.Roles
// order), then hash, then input.
func (l *Log) Entries() []Entry {
	l.mu.Lock()
	out := make([]Entry, 0, len(l.entries))
	for _, e := range l.entries {
		out = append(out, e)
	}
	l.mu.Unlock()
	slices.SortFunc(out, func(a, b Entry) int {
		if c := slices.Index(keys.Roles, a.Role) - slices.Index(keys.Roles, b.Role); c != 0 {
			return c
		}
		if c := int(a.Hash) - int(b.Hash); c != 0 {
			return c
		}
		return bytes.Compare(a.Input, b.Input)
	})
	return out
}

// add records e after checking it verifies; an equal entry already present
// is not an error (the same input signed twice gives the same signature).
func (l *Log) add(e Entry) error {
	if err := l.check(e); err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if old, ok := l.entries[e.key()]; ok {
		if !bytes.Equal(old.Signature, e.Signature) {
			return fmt.Errorf("%s: two different signatures over the same input %x", e.Role, e.Input)
		}
		return nil
	}
	e.Input, e.Signature = bytes.Clone(e.Input), bytes.Clone(e.Signature)
	l.entries[e.key()] = e
	return nil
}

// lookup returns the signature by role r with hash h over input.
func (l *Log) lookup(r keys.Role, h crypto.Hash, input []byte) ([]byte, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e, ok := l.entries[Entry{Role: r, Hash: h, Input: input}.key()]
	return bytes.Clone(e.Signature), ok
}

// check verifies e's signature under its role's certificate.
func (l *Log) check(e Entry) error {
	cert := l.certs[e.Role]
	if cert == nil {
		return fmt.Errorf("unknown role %q", e.Role)
	}
	if len(e.Input) == 0 || len(e.Input) > MaxInput {
		return fmt.Errorf("%s: signed input of %d bytes, want 1..%d", e.Role, len(e.Input), MaxInput)
	}
	switch pub := cert.PublicKey.(type) {
	case *rsa.PublicKey:
		if e.Hash != crypto.SHA256 {
			return fmt.Errorf("%s: RSA signature with hash %v, want SHA-256", e.Role, e.Hash)
		}
		if err := rsa.VerifyPKCS1v15(pub, e.Hash, e.Input, e.Signature); err != nil {
			return fmt.Errorf("%s: signature over %x does not verify: %w", e.Role, e.Input, err)
		}
	case ed25519.PublicKey:
		if e.Hash != 0 {
			return fmt.Errorf("%s: Ed25519 signature with hash %v, want none (PureEd25519)", e.Role, e.Hash)
		}
		if !ed25519.Verify(pub, e.Input, e.Signature) {
			return fmt.Errorf("%s: signature over %x does not verify", e.Role, e.Input)
		}
	default:
		return fmt.Errorf("%s: unsupported key type %T", e.Role, cert.PublicKey)
	}
	return nil
}
