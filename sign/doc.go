// Package sign is Manx's signing domain: a key with its certificate behind
// the Signer interface (a file backend today; a PKCS#11 or TPM backend later
// serves the same callers) and the PEM/DER readers for them.
//
// It imports nothing beyond the standard library, so the in-guest stboot
// binary (which verifies OS packages through manx/ospkg) links no PE or
// PKCS#7 code. Authenticode signing of PE images lives in
// manx/sign/authenticode, the key hierarchy in manx/sign/keys and the
// publisher's signature log in manx/sign/siglog.
package sign
