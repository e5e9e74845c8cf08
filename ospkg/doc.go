// Package ospkg writes, signs and verifies Manx OS packages: the kernel,
// initramfs and command line that stboot downloads, verifies and kexecs.
//
// An OS package is two files, as in System Transparency (ST):
//
//   - NAME.zip, the archive (Pack): boot/ (directory), boot/cmdline,
//     boot/initramfs, boot/kernel and manifest.json, in that (sorted) order.
//     manifest.json is {"version": 1, "label", "kernel", "initramfs",
//     "cmdline", "cmdline_file", "sha256": {path: hex}}.
//   - NAME.json, the descriptor (Sign, ParseDescriptor), format version 2:
//     {"version": 2, "os_pkg_url", "os_pkg_sha256", "pkg_version",
//     "not_after", "label", "certificates", "signatures"}, where
//     certificates[i] is the base64 of signer i's PEM certificate and
//     signatures[i] the base64 of its Ed25519 signature.
//
// # The signed statement
//
// The signers sign a statement, not a hash: each signature is PureEd25519
// over these exact bytes (Statement.Bytes; LF line ends, every line ending
// in one, UTF-8, no BOM):
//
//	manx-ospkg-statement-v1
//	label=<label>
//	os_pkg_sha256=<64 lower-case hex digits: SHA-256 of the exact zip bytes>
//	pkg_version=<decimal uint64 >= 1, no leading zeros>
//	not_after=<RFC 3339 UTC with whole seconds and "Z", or nothing>
//
// for example (testdata/statement.golden)
//
//	manx-ospkg-statement-v1\nlabel=Manx v1.2.3\nos_pkg_sha256=4217…ac9e\npkg_version=1763900000\nnot_after=2027-01-02T02:04:05Z\n
//
// The first line separates the domain: no other Manx signature (a digest,
// a PE image) is ever over bytes starting with it. The values are the
// descriptor's fields of the same names, which must already be in canonical
// form (ParseDescriptor refuses anything else): label is 1 to MaxLabelSize
// bytes of printable UTF-8 (no newline, tab or other control), os_pkg_sha256
// lower-case hex, pkg_version a JSON integer >= 1, not_after "" (no expiry)
// or e.g. "2027-01-02T02:04:05Z" (no offset, no fraction). No field can hold
// a newline, so the encoding is unambiguous.
//
// pkg_version grows with every release (Manx uses the build's
// SOURCE_DATE_EPOCH); a verifier that remembers the highest version it
// booted refuses older packages (TrustPolicy.MinVersion, ErrRollback), so a
// server, or anyone on the path, cannot serve an old vulnerable package
// that was once validly signed. not_after bounds how long a package may
// boot at all (TrustPolicy.Time, ErrExpired). label names the release.
//
// Verify checks, in order: the descriptor's structure; the signatures over
// the statement and the threshold (ErrThreshold); not_after (ErrExpired);
// pkg_version (ErrRollback); the zip's SHA-256 against the signed
// os_pkg_sha256 (ErrDigest, "… does not match the signed digest …"); the
// zip's layout and manifest. So a descriptor whose os_pkg_sha256 was
// changed to match an altered zip is refused by its signatures ("0 valid
// signature(s) … signature does not verify over the statement"), and an
// altered zip under an intact descriptor by the digest.
//
// Format version 1 (System Transparency's: a signature over SHA-256(zip)
// alone, no version, no expiry) is refused with ErrFormat: "ospkg:
// descriptor format version 1 (a signed hash: no package version or
// expiry) is no longer accepted; re-sign it as version 2".
//
// Verify accepts a package when at least TrustPolicy.Threshold distinct
// signers (distinct public keys) each have an Ed25519 certificate issued
// directly by a trust root and a valid signature over the statement; only
// then does it unpack the zip and check every file against the manifest.
// Roots issue signers and never sign packages themselves; a signer
// certificate must not be a CA and must have the digitalSignature key
// usage; a key counts once, however many certificates carry it. With
// TrustPolicy.DistinctRoots a root counts once too, so a threshold of N
// needs N root holders. Every refused signature's reason is listed in the
// threshold error.
//
// The zip is byte-reproducible: entries are sorted, every mtime is the
// caller's time (SOURCE_DATE_EPOCH) in UTC, modes are fixed (0644 files,
// 0755 directories), and entries are stored, never deflated, because
// compress/flate output may change between Go releases (the kernel and
// initramfs are compressed already). Ed25519 signing is deterministic and the
// descriptor JSON has a fixed field order, so the same inputs and keys give
// the same NAME.zip and NAME.json bytes.
//
// # Where Manx differs from System Transparency
//
//   - The manifest adds "sha256" (hex SHA-256 of every file) and
//     "cmdline_file" (boot/cmdline holds the command line, which must equal
//     "cmdline"). The signature already covers the zip; the hashes pin what
//     the unpacker extracts to what was packed, so a zip-parser ambiguity
//     (duplicate names, central directory vs local headers) cannot swap a
//     file. ST's fields keep their meaning, so an ST stboot can read a Manx
//     zip; Manx refuses ST zips without the hashes.
//   - Verify is strict about the zip: no duplicate names, no entries other
//     than manifest.json, the files the manifest lists and directories, and a
//     total size limit (MaxUnpackedSize).
//   - The descriptor is format version 2: the signatures cover the statement
//     above (os_pkg_sha256, pkg_version, not_after, label) instead of
//     SHA-256(zip), so an ST stboot cannot verify a Manx descriptor and Manx
//     refuses ST's version 1.
//   - "os_pkg_url" may be relative; stboot resolves it against the descriptor
//     URL, so one package can be served from any address.
//   - Certificates may be base64 of PEM (what Sign writes, as ST) or of DER.
//   - Only Ed25519 signers; no Sigsum proofs; ST's RSA-PSS signer is not
//     supported.
//   - Certificate validity and not_after are checked at TrustPolicy.Time; a
//     zero Time skips both (firmware clocks are unreliable; Manx certificates
//     run to 9999 anyway, so expiry and rollback are the statement's job). Extended key usages are not checked (ST uses Go's
//     default, serverAuth); the key usage must include digitalSignature (a
//     certificate without the extension is refused), basic constraints must
//     not say CA, and a certificate with a trust root's key (the root itself
//     included) never counts.
//   - Measurement (ST's PCR 12/13/14) is not done here: those PCRs clash with
//     systemd-stub and shim, and is the caller's decision.
package ospkg
