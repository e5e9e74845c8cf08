package keys

import (
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"manx/sign"
)

// Set is a loaded key hierarchy; each member is a file-backed sign.Signer.
type Set struct {
	PK, KEK, DB              *sign.Static
	Kexec                    *sign.Static // signs the kernel stboot kexecs (trusted by the kernel, not the firmware)
	StbootRoot, StbootSigner *sign.Static
}

// Get returns the member for role r, or nil for an unknown role.
func (s *Set) Get(r Role) *sign.Static {
	switch r {
	case PK:
		return s.PK
	case KEK:
		return s.KEK
	case DB:
		return s.DB
	case Kexec:
		return s.Kexec
	case StbootRoot:
		return s.StbootRoot
	case StbootSigner:
		return s.StbootSigner
	}
	return nil
}

// Assemble builds a Set from one signer per role (other backends than
// files: a token, a replayed signature log) and checks, as Load does, that
// the stboot signer certificate is issued by the stboot root.
func Assemble(members map[Role]*sign.Static) (*Set, error) {
	s := &Set{}
	for _, r := range Roles {
		st := members[r]
		if st == nil {
			return nil, fmt.Errorf("assembling keys: no %s", r)
		}
		s.set(r, st)
	}
	if len(members) != len(Roles) {
		return nil, fmt.Errorf("assembling keys: %d members, want %d (%v)", len(members), len(Roles), Roles)
	}
	if err := s.checkStboot(); err != nil {
		return nil, fmt.Errorf("assembling keys: %w", err)
	}
	return s, nil
}

func (s *Set) set(r Role, st *sign.Static) {
	switch r {
	case PK:
		s.PK = st
	case KEK:
		s.KEK = st
	case DB:
		s.DB = st
	case Kexec:
		s.Kexec = st
	case StbootRoot:
		s.StbootRoot = st
	case StbootSigner:
		s.StbootSigner = st
	}
}

// Load reads a complete hierarchy from dir and checks that every key matches its
// certificate and that the stboot signer certificate is issued by the stboot root.
func Load(dir string) (*Set, error) {
	present, missing, err := existing(dir)
	if err != nil {
		return nil, fmt.Errorf("loading keys: %w", err)
	}
	if len(missing) > 0 {
		if len(present) == 0 {
			return nil, fmt.Errorf("loading keys from %s: no keys (generate them first)", dir)
		}
		return nil, incomplete(dir, present, missing)
	}
	s := &Set{}
	for _, r := range Roles {
		st, err := sign.LoadFiles(filepath.Join(dir, r.KeyFile()), filepath.Join(dir, r.CertFile()))
		if err != nil {
			return nil, fmt.Errorf("loading keys: %s: %w", r, err)
		}
		s.set(r, st)
	}
	if err := s.checkStboot(); err != nil {
		return nil, fmt.Errorf("loading keys from %s: %w", dir, err)
	}
	return s, nil
}

// Ensure loads the hierarchy in dir, generating it (logging loudly) if dir holds none of
// its files. If only some files exist it fails with ErrIncomplete instead of filling the
// gaps: a half-present hierarchy means something went wrong and needs a human.
func Ensure(dir string, now time.Time, logger *slog.Logger) (*Set, error) {
	present, missing, err := existing(dir)
	if err != nil {
		return nil, fmt.Errorf("ensuring keys: %w", err)
	}
	switch {
	case len(missing) == 0:
		return Load(dir)
	case len(present) == 0:
		return Generate(dir, now, logger)
	}
	if roles, ok := onlyAddedLater(missing); ok {
		if err := generateRoles(dir, roles, now, logger); err != nil {
			return nil, err
		}
		return Load(dir)
	}
	return nil, incomplete(dir, present, missing)
}

// onlyAddedLater reports whether missing is exactly both files of some
// roles added to the hierarchy later (addedLater), and which.
func onlyAddedLater(missing []string) ([]Role, bool) {
	var roles []Role
	n := 0
	for _, r := range addedLater {
		k, c := slices.Contains(missing, r.KeyFile()), slices.Contains(missing, r.CertFile())
		if k != c {
			return nil, false // half a role: something went wrong
		}
		if k {
			roles = append(roles, r)
			n += 2
		}
	}
	return roles, n > 0 && n == len(missing)
}

// generateRoles adds the keys of roles (each in addedLater) to the
// hierarchy in dir, which lacks them, logging loudly.
func generateRoles(dir string, roles []Role, now time.Time, logger *slog.Logger) error {
	if now.IsZero() {
		return errors.New("generating keys: no time (SOURCE_DATE_EPOCH)")
	}
	now = now.UTC().Truncate(time.Second)
	s := &Set{}
	for _, r := range roles {
		if r != Kexec {
			return fmt.Errorf("generating keys: no generator for %s", r)
		}
		st, err := newKexec(now)
		if err != nil {
			return fmt.Errorf("generating keys: %w", err)
		}
		s.set(r, st)
	}
	if err := s.write(dir, roles); err != nil {
		return fmt.Errorf("adding keys to %s: %w", dir, err)
	}
	args := []any{"dir", dir}
	for _, r := range roles {
		args = append(args, string(r)+"_sha256", Fingerprint(s.Get(r).Certificate()))
	}
	logger.Warn("Added NEW keys to an existing Manx hierarchy (roles introduced after it was generated)", args...)
	return nil
}

func incomplete(dir string, present, missing []string) error {
	return fmt.Errorf("keys in %s: %w: present %s, missing %s; not generating over a partial set: "+
		"restore the missing files, or move %s away to generate a new hierarchy",
		dir, ErrIncomplete, strings.Join(present, ", "), strings.Join(missing, ", "), dir)
}

// checkStboot verifies the stboot signer certificate against the stboot root, at the
// signer's NotBefore (no wall clock).
func (s *Set) checkStboot() error {
	root, leaf := s.StbootRoot.Certificate(), s.StbootSigner.Certificate()
	if !root.IsCA {
		return errors.New("stboot root certificate is not a CA")
	}
	pool := x509.NewCertPool()
	pool.AddCert(root)
	if _, err := leaf.Verify(x509.VerifyOptions{
		Roots:       pool,
		CurrentTime: leaf.NotBefore,
		KeyUsages:   []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	}); err != nil {
		return fmt.Errorf("stboot signer certificate does not chain to the stboot root: %w", err)
	}
	return nil
}
