package keys

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"time"

	"manx/sign"
)

// rsaBits is the size of the UEFI keys (see the package documentation).
const rsaBits = 2048

// notAfter is RFC 5280 §4.1.2.5's "no well-defined expiration date".
var notAfter = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)

// ErrExist reports that key files already exist where new ones would be written.
var ErrExist = errors.New("keys already exist")

// ErrIncomplete reports a keys directory holding only part of a hierarchy.
var ErrIncomplete = errors.New("incomplete key hierarchy")

// Generate creates a new hierarchy in dir (created with mode 0700 if missing) with
// certificates valid from now (SOURCE_DATE_EPOCH). It refuses, wrapping ErrExist, if
// any of the hierarchy's files already exists, and logs a warning through logger when it
// has written new keys.
func Generate(dir string, now time.Time, logger *slog.Logger) (*Set, error) {
	if logger == nil {
		return nil, errors.New("generating keys: no logger")
	}
	if now.IsZero() {
		return nil, errors.New("generating keys: no time (SOURCE_DATE_EPOCH)")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("generating keys: %w", err)
	}
	present, _, err := existing(dir)
	if err != nil {
		return nil, fmt.Errorf("generating keys: %w", err)
	}
	if len(present) > 0 {
		return nil, fmt.Errorf("generating keys in %s: %w (%s); keys are never overwritten: to rotate, move %s away and generate again",
			dir, ErrExist, strings.Join(present, ", "), dir)
	}

	set, err := newSet(now)
	if err != nil {
		return nil, fmt.Errorf("generating keys: %w", err)
	}
	if err := set.write(dir, Roles); err != nil {
		return nil, fmt.Errorf("generating keys in %s: %w", dir, err)
	}

	args := []any{"dir", dir}
	for _, r := range Roles {
		args = append(args, string(r)+"_sha256", Fingerprint(set.Get(r).Certificate()))
	}
	logger.Warn("Generated NEW Manx key hierarchy: firmware variable stores and stboot trust policies must be rebuilt with these keys", args...)
	return set, nil
}

// newSet creates all keys and certificates in memory.
func newSet(now time.Time) (*Set, error) {
	now = now.UTC().Truncate(time.Second)
	s := &Set{}
	uefi := []struct {
		role Role
		cn   string
		ca   bool
		eku  []x509.ExtKeyUsage
		dst  **sign.Static
	}{
		{PK, "Manx PK", true, nil, &s.PK},
		{KEK, "Manx KEK", true, nil, &s.KEK},
		{DB, "Manx db", false, []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning}, &s.DB},
	}
	for _, u := range uefi {
		st, err := newRSA(u.role, u.cn, now, u.ca, u.eku)
		if err != nil {
			return nil, err
		}
		*u.dst = st
	}
	var err error
	if s.Kexec, err = newKexec(now); err != nil {
		return nil, err
	}
	if s.PCRPolicy, err = newPCRPolicy(now); err != nil {
		return nil, err
	}

	_, rootKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", StbootRoot, err)
	}
	rootTmpl, err := template("Manx stboot root", now, x509.KeyUsageCertSign|x509.KeyUsageDigitalSignature, nil, true)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", StbootRoot, err)
	}
	if s.StbootRoot, err = issue(rootTmpl, rootKey, nil, nil); err != nil {
		return nil, fmt.Errorf("%s: %w", StbootRoot, err)
	}
	_, signerKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", StbootSigner, err)
	}
	signerTmpl, err := template("Manx stboot signer", now, x509.KeyUsageDigitalSignature, nil, false)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", StbootSigner, err)
	}
	if s.StbootSigner, err = issue(signerTmpl, signerKey, s.StbootRoot.Certificate(), rootKey); err != nil {
		return nil, fmt.Errorf("%s: %w", StbootSigner, err)
	}
	return s, nil
}

// newRSA creates an RSA key and its self-signed certificate.
func newRSA(role Role, cn string, now time.Time, ca bool, eku []x509.ExtKeyUsage) (*sign.Static, error) {
	key, err := rsa.GenerateKey(rand.Reader, rsaBits)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", role, err)
	}
	ku := x509.KeyUsageDigitalSignature
	if ca {
		ku |= x509.KeyUsageCertSign
	}
	tmpl, err := template(cn, now, ku, eku, ca)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", role, err)
	}
	st, err := issue(tmpl, key, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", role, err)
	}
	return st, nil
}

// newKexec creates the kexec key: RSA-2048 (what the kernel's PE
// verification takes), self-signed, code signing. The kernel build embeds
// its certificate in the builtin trusted keyring; the firmware never sees it.
func newKexec(now time.Time) (*sign.Static, error) {
	return newRSA(Kexec, "Manx kexec", now, false, []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning})
}

// newPCRPolicy creates the PCR policy key: RSA-2048 (what systemd's
// .pcrsig and TPM2_PolicyAuthorize with an RSA key take), self-signed; only
// its public key matters (the UKI's .pcrpkey).
func newPCRPolicy(now time.Time) (*sign.Static, error) {
	return newRSA(PCRPolicy, "Manx PCR policy", now, false, nil)
}

// laterGenerators make the keys of the roles in addedLater.
var laterGenerators = map[Role]func(time.Time) (*sign.Static, error){
	Kexec:     newKexec,
	PCRPolicy: newPCRPolicy,
}

func template(cn string, now time.Time, ku x509.KeyUsage, eku []x509.ExtKeyUsage, ca bool) (*x509.Certificate, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, fmt.Errorf("serial number: %w", err)
	}
	return &x509.Certificate{
		SerialNumber:          serial.Add(serial, big.NewInt(1)), // never zero
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             now,
		NotAfter:              notAfter,
		KeyUsage:              ku,
		ExtKeyUsage:           eku,
		BasicConstraintsValid: true,
		IsCA:                  ca,
	}, nil
}

// issue signs tmpl for key's public key with parentKey (self-signed when parent is nil).
func issue(tmpl *x509.Certificate, key crypto.Signer, parent *x509.Certificate, parentKey crypto.Signer) (*sign.Static, error) {
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, key.Public(), parentKey)
	if err != nil {
		return nil, fmt.Errorf("creating certificate %q: %w", tmpl.Subject.CommonName, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("parsing certificate %q: %w", tmpl.Subject.CommonName, err)
	}
	return sign.NewStatic(key, cert)
}

// write stores every key and certificate of s in dir; on failure it removes the files
// it created, so dir never holds a partial hierarchy of its own making.
func (s *Set) write(dir string, roles []Role) error {
	var created []string
	undo := func() {
		for _, p := range created {
			os.Remove(p)
		}
	}
	for _, r := range roles {
		st := s.Get(r)
		kb, err := keyPEM(st.Signer())
		if err != nil {
			undo()
			return fmt.Errorf("%s: %w", r, err)
		}
		for _, f := range []struct {
			name string
			b    []byte
			perm os.FileMode
		}{{r.KeyFile(), kb, 0o600}, {r.CertFile(), certPEM(st.Certificate()), 0o644}} {
			if err := writeNew(dir, f.name, f.b, f.perm); err != nil {
				undo()
				return err
			}
			created = append(created, filepath.Join(dir, f.name))
		}
	}
	return nil // writeNew synced dir after each file
}

// Fingerprint returns the hex SHA-256 of a certificate's DER encoding.
func Fingerprint(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	return hex.EncodeToString(sum[:])
}
