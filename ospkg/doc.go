// Package ospkg writes, signs and verifies Manx OS packages: the kernel,
// initramfs and command line that stboot downloads, verifies and kexecs.
//
// An OS package is two files, as in System Transparency (ST):
//
//   - NAME.zip, the archive (Pack): boot/ (directory), boot/cmdline,
//     boot/initramfs, boot/kernel and manifest.json, in that (sorted) order.
//     manifest.json is {"version": 1, "label", "kernel", "initramfs",
//     "cmdline", "cmdline_file", "sha256": {path: hex}}.
//   - NAME.json, the descriptor (Sign, ParseDescriptor): {"version": 1,
//     "os_pkg_url", "os_pkg_sha256", "certificates", "signatures"}, where
//     certificates[i] is the base64 of signer i's PEM certificate and
//     signatures[i] the base64 of its Ed25519 signature.
//
// Signatures are PureEd25519 over the 32-byte SHA-256 of the exact zip bytes,
// as in ST. Verify accepts a package when at least TrustPolicy.Threshold
// distinct signers (distinct public keys) each have an Ed25519 certificate
// issued directly by a trust root and a valid signature; only then does it
// unpack the zip and check every file against the manifest. Roots issue
// signers and never sign packages themselves; a signer certificate must not
// be a CA and must have the digitalSignature key usage; a key counts once,
// however many certificates carry it. With TrustPolicy.DistinctRoots a root
// counts once too, so a threshold of N needs N root holders. Every refused
// signature's reason is listed in the threshold error.
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
//   - The descriptor adds "os_pkg_sha256" (hex SHA-256 of the zip), so a
//     wrong or altered zip is reported as such instead of as "0 valid
//     signatures". It is a hint for error messages; the signatures are always
//     checked over the digest of the bytes actually received.
//   - "os_pkg_url" may be relative; stboot resolves it against the descriptor
//     URL, so one package can be served from any address.
//   - Certificates may be base64 of PEM (what Sign writes, as ST) or of DER.
//   - Only Ed25519 signers; no Sigsum proofs; ST's RSA-PSS signer is not
//     supported.
//   - Certificate validity is checked at TrustPolicy.Time; a zero Time skips
//     the validity periods (firmware clocks are unreliable; Manx certificates
//     run to 9999 anyway). Extended key usages are not checked (ST uses Go's
//     default, serverAuth); the key usage must include digitalSignature (a
//     certificate without the extension is refused), basic constraints must
//     not say CA, and a certificate with a trust root's key (the root itself
//     included) never counts.
//   - Measurement (ST's PCR 12/13/14) is not done here: those PCRs clash with
//     systemd-stub and shim, and is the caller's decision.
package ospkg
