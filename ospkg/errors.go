package ospkg

import (
	"errors"
	"fmt"
)

// Sentinel errors, for callers that branch on why a package was refused;
// test with errors.Is. The messages wrapping them carry the values.
var (
	// ErrFormat: the descriptor, zip or manifest is malformed.
	ErrFormat = errors.New("malformed OS package")
	// ErrDigest: the zip's SHA-256 differs from the signed os_pkg_sha256.
	ErrDigest = errors.New("zip digest mismatch")
	// ErrExpired: the signed not_after is before TrustPolicy.Time.
	ErrExpired = errors.New("OS package expired")
	// ErrRollback: the signed pkg_version is below TrustPolicy.MinVersion
	// (the error is a *RollbackError).
	ErrRollback = errors.New("OS package rollback")
	// ErrThreshold: fewer valid signatures than the trust policy requires.
	ErrThreshold = errors.New("signature threshold not met")
	// ErrManifest: a file in the zip does not match the manifest.
	ErrManifest = errors.New("manifest mismatch")
	// ErrPolicy: the trust policy itself is unusable.
	ErrPolicy = errors.New("invalid trust policy")
)

// kindError is an error whose message is exactly the formatted text and
// which also matches kind with errors.Is, so messages need not end in the
// sentinel's text.
func kindError(kind error, format string, args ...any) error {
	return &kinded{kind: kind, err: fmt.Errorf(format, args...)}
}

type kinded struct{ kind, err error }

func (e *kinded) Error() string   { return e.err.Error() }
func (e *kinded) Unwrap() []error { return []error{e.kind, e.err} }

// RollbackError is Verify's refusal of a validly signed package whose
// pkg_version is below TrustPolicy.MinVersion. It matches ErrRollback.
type RollbackError struct {
	Version uint64 // the package's pkg_version
	Highest uint64 // TrustPolicy.MinVersion: the highest version already booted
}

// Reason is "version 3 < 5 already booted" (stboot prints it after
// "stboot: FAIL rollback: ").
func (e *RollbackError) Reason() string {
	return fmt.Sprintf("version %d < %d already booted", e.Version, e.Highest)
}

func (e *RollbackError) Error() string        { return "ospkg: " + e.Reason() }
func (e *RollbackError) Is(target error) bool { return target == ErrRollback }
