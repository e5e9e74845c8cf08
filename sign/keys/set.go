package keys

import (
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
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
	// PCRPolicy signs the expected PCR 11 values of a UKI (its .pcrsig);
	// secrets sealed with PolicyAuthorize to its public key (.pcrpkey)
	// unseal under any UKI it signed for.
	PCRPolicy *sign.Static
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
	case PCRPolicy:
		return s.PCRPolicy
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
	case PCRPolicy:
		s.PCRPolicy = st
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
			return nil, fmt.Errorf("loading keys: %w", noKeys(dir))
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

// ErrNoKeys reports a keys directory that is missing or holds none of the
// hierarchy's files.
var ErrNoKeys = errors.New("no key hierarchy")

// Ensure loads the hierarchy in dir, generating it (logging loudly) if dir holds none of
// its files. If only some files exist it fails with ErrIncomplete instead of filling the
// gaps: a half-present hierarchy means something went wrong and needs a human. Roles
// introduced after dir's hierarchy was generated (the kexec and PCR policy keys) are added, logging loudly.
func Ensure(dir string, now time.Time, logger *slog.Logger) (*Set, error) {
	return ensure(dir, now, logger, true)
}

// Open is Ensure for a directory that must hold a hierarchy already: a
// missing dir, or one with none of the hierarchy's files, is an error
// wrapping ErrNoKeys instead of a new hierarchy (a mistyped path must not
// become new keys). Roles introduced later are still added, as by Ensure.
func Open(dir string, now time.Time, logger *slog.Logger) (*Set, error) {
	return ensure(dir, now, logger, false)
}

func ensure(dir string, now time.Time, logger *slog.Logger, generate bool) (*Set, error) {
	present, missing, err := existing(dir)
	if err != nil {
		return nil, fmt.Errorf("ensuring keys: %w", err)
	}
	switch {
	case len(missing) == 0:
		return Load(dir)
	case len(present) == 0 && !generate:
		return nil, noKeys(dir)
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
		gen, ok := laterGenerators[r]
		if !ok {
			return fmt.Errorf("generating keys: no generator for %s", r)
		}
		st, err := gen(now)
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

// noKeys says why dir holds no hierarchy: it is missing, not a directory,
// or holds none of the hierarchy's files.
func noKeys(dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("keys directory %s does not exist: %w", dir, ErrNoKeys)
	case err != nil:
		return fmt.Errorf("keys directory %s: %w: %w", dir, ErrNoKeys, err)
	case !fi.IsDir():
		return fmt.Errorf("keys directory %s is not a directory: %w", dir, ErrNoKeys)
	}
	return fmt.Errorf("keys directory %s holds none of %s: %w", dir, strings.Join(files(), ", "), ErrNoKeys)
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
