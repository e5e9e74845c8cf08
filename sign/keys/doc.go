// Package keys creates and loads the Manx development key hierarchy: the UEFI Secure
// Boot keys PK, KEK and db (RSA-2048, self-signed X.509 v3); the kexec key (RSA-2048,
// self-signed), which the kernel's builtin trusted keyring holds and the firmware does
// not, so db signs only UKIs and kexec_file_load runs only kernels the kexec key signed;
// and the stboot signing root (Ed25519 CA) with one Ed25519 signer certificate issued
// by it.
//
// Keys are generated all at once or not at all and are never overwritten: to rotate,
// move the keys directory away and generate again. The one exception is a role added
// to the hierarchy after a keys directory was generated (the kexec key): Ensure (and
// Open) add its two files, alone and loudly, when they are all that is missing. Open is
// Ensure for a directory that must hold keys already (an explicit MANX_KEYS_DIR): a
// missing or keyless directory is ErrNoKeys, not a new hierarchy. Private keys are PKCS#8 PEM files
// with mode 0600, and Load refuses one that group or others may access
// (sign.ErrKeyMode); certificates are PEM files with mode 0644. Every file is written to a
// temporary name, synced and hard-linked into place, so a crash never leaves a
// truncated key and an existing file is never replaced.
//
// Certificate choices (documented here because firmware is picky):
//   - RSA-2048 for PK/KEK/db: the size Microsoft documents for UEFI and that every
//     edk2/OVMF build accepts; SHA-256 with RSA signatures.
//   - All three UEFI certificates are self-signed (as sbctl and ukify genkey do), so
//     each verifies on its own: OVMF, sbverify and the kernel's .platform keyring need
//     no chain. KeyUsage digitalSignature on all; db adds ExtKeyUsage codeSigning; PK
//     and KEK are CAs (BasicConstraints CA:TRUE, KeyUsage also certSign).
//   - Serial numbers are random 127-bit integers: the keys themselves are random, so a
//     deterministic serial would buy no reproducibility and could collide across
//     regenerated hierarchies.
//   - NotBefore is the caller's time (SOURCE_DATE_EPOCH, never the wall clock);
//     NotAfter is 9999-12-31T23:59:59Z, RFC 5280's "no well-defined expiration".
//     UEFI does not check validity periods.
package keys
