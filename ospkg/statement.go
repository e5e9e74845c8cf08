package ospkg

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// StatementPrefix is the first line of every statement: the domain
// separator, so a signature over a statement is never a signature over
// anything else Manx signs (a digest, a PE image, another statement
// version).
const StatementPrefix = "manx-ospkg-statement-v1"

// MaxLabelSize bounds a descriptor's label in bytes.
const MaxLabelSize = 128

// Statement is what a descriptor's signers sign: the security fields of
// descriptor format 2. Its canonical encoding (Bytes) is the exact message
// each Ed25519 signature covers.
type Statement struct {
	Label      string    // label: printable UTF-8, 1..MaxLabelSize bytes
	PkgSHA256  string    // os_pkg_sha256: 64 lower-case hex digits
	PkgVersion uint64    // pkg_version: >= 1, increases with every release
	NotAfter   time.Time // not_after: zero means the package never expires
}

// Bytes is the canonical encoding, byte for byte:
//
//	manx-ospkg-statement-v1\n
//	label=<label>\n
//	os_pkg_sha256=<64 lower-case hex digits>\n
//	pkg_version=<decimal, no leading zeros>\n
//	not_after=<RFC 3339 UTC, e.g. 2026-01-02T03:04:05Z, or nothing>\n
//
// No field can hold a newline, so the encoding is unambiguous.
func (s Statement) Bytes() []byte {
	var b strings.Builder
	b.WriteString(StatementPrefix + "\n")
	b.WriteString("label=" + s.Label + "\n")
	b.WriteString("os_pkg_sha256=" + s.PkgSHA256 + "\n")
	b.WriteString("pkg_version=" + strconv.FormatUint(s.PkgVersion, 10) + "\n")
	b.WriteString("not_after=" + formatNotAfter(s.NotAfter) + "\n")
	return []byte(b.String())
}

// check validates s's fields (as a descriptor carries them).
func (s Statement) check() error {
	var errs []error
	if err := checkLabel(s.Label); err != nil {
		errs = append(errs, err)
	}
	if raw, err := hex.DecodeString(s.PkgSHA256); err != nil || len(raw) != 32 || hex.EncodeToString(raw) != s.PkgSHA256 {
		errs = append(errs, fmt.Errorf("os_pkg_sha256 %q is not 64 lower-case hex digits", s.PkgSHA256))
	}
	if s.PkgVersion < 1 {
		errs = append(errs, errors.New("pkg_version 0, want >= 1"))
	}
	return errors.Join(errs...)
}

func checkLabel(l string) error {
	switch {
	case l == "":
		return errors.New("no label")
	case len(l) > MaxLabelSize:
		return fmt.Errorf("label is %d bytes, limit %d", len(l), MaxLabelSize)
	case !utf8.ValidString(l):
		return fmt.Errorf("label %q is not UTF-8", l)
	}
	for _, r := range l {
		if !unicode.IsPrint(r) {
			return fmt.Errorf("label %q holds the non-printable %U", l, r)
		}
	}
	return nil
}

// formatNotAfter is t in canonical RFC 3339 UTC, or "" for the zero time.
func formatNotAfter(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// parseNotAfter parses a descriptor's not_after: "" (no expiry) or RFC 3339
// in UTC with a "Z" and whole seconds, exactly as formatNotAfter writes it.
func parseNotAfter(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil || formatNotAfter(t) != s {
		return time.Time{}, fmt.Errorf("not_after %q is not RFC 3339 UTC with whole seconds (e.g. 2026-01-02T03:04:05Z)", s)
	}
	return t, nil
}

// Release is what a package's signers vouch for besides the zip itself:
// Sign puts it, with the zip's SHA-256, into the signed statement.
type Release struct {
	Label    string    // e.g. "Manx v1.2.3"
	Version  uint64    // pkg_version: >= 1, higher than every earlier release
	NotAfter time.Time // zero: no expiry; Sign signs it in UTC, truncated to whole seconds
}
