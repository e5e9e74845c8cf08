// Package siglog records every signature a build makes with the Manx key
// hierarchy, and replays them.
//
// Manx's signatures are deterministic given the key: Authenticode is RSA
// PKCS#1 v1.5 over SHA-256 with no signing time, OS packages are PureEd25519.
// So the signed and key-bearing artefacts of a published build (the signed
// UKIs and kernel, the OS package and its descriptor, the variable stores
// holding the publisher's PK/KEK/db, the stboot trust root) are a function
// of the sources, the publisher's public certificates and the signatures the
// publisher's keys made over those sources. A Log is exactly that public
// material: the five certificates and one Entry per signature (role, hash,
// the bytes that were signed, the signature).
//
// Record wraps a loaded key set so that each signature it makes is added to
// a Log; the publisher writes that Log next to the hash manifest. Replay
// turns a Log into a key set without private keys: its Sign looks the input
// up and returns the published signature (checked against the certificate
// when the Log was parsed), and fails with ErrNoSignature when the input was
// never signed by the publisher, which means the rebuilt input differs from
// the published one. A rebuild with the replayed set therefore reproduces the
// publisher's signed artefacts byte for byte, or fails saying which
// signature it lacks; it can never produce a signature the publisher did not
// make.
//
// The file form (Marshal, Parse) is deterministic JSON: certificates in role
// order, entries sorted, two-space indent, trailing newline. Parse is strict:
// unknown fields, unknown or repeated roles, malformed encodings, duplicate
// entries, and signatures that do not verify under their role's certificate
// are errors that name the entry.
package siglog
