// Package manifest reads, writes and compares Manx's published hash manifest,
// hashes/<arch>.json: one entry per reproducible artefact under build/ (its
// logical name, path relative to build/, sha256 and size, and the pins and
// keys it was built from), plus the inputs every artefact shares (the
// toolchain ID, SOURCE_DATE_EPOCH, the Manx version string and the Go
// version).
//
// The file is deterministic: artefacts sorted by name, pins and keys sorted
// by name, two-space indentation, a trailing newline, no HTML escaping. Write
// replaces it atomically (temporary file, fsync, rename, directory fsync).
// Read is strict: unknown fields, duplicate JSON keys, malformed hex,
// duplicate or unsorted entries and trailing data are errors that name the
// file and the entry.
//
// Compare matches a published manifest against one computed from a local
// build and says, for every artefact, whether it matches and, when it does
// not, which inputs differ and where to look first. Format prints that
// report; `go run mage.go verify` is its user.
//
// Artefacts that embed or are signed with locally generated keys record the
// SHA-256 of each certificate in Entry.Keys. A mismatch with different keys
// is expected (see docs/reproducibility.md); Compare says so instead of
// sending the reader to diffoscope.
package manifest
