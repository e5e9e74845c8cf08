// Package pcrsig writes and reads the two UKI sections with which
// systemd-stub carries a signed PCR 11 policy: `.pcrpkey`, the public key
// (PEM SubjectPublicKeyInfo, RSA), and `.pcrsig`, the signatures (JSON).
// The format is systemd's (systemd-measure 252 and 254, ukify); Sign's
// output equals systemd-measure 252's byte for byte (testdata/README.md).
//
// `.pcrsig` is a JSON object keyed by lower-case bank name ("sha1",
// "sha256", "sha384", "sha512"); each value is an array with one entry per
// expected PCR value (one per boot-phase path) and key:
//
//	{"sha256":[{"pcrs":[11],"pkfp":"<hex>","pol":"<hex>","sig":"<base64>"}]}
//
// The fields of an entry:
//
//   - pcrs: the PCRs the policy covers, ascending ([11]);
//   - pkfp: hex SHA-256 of the signing key's PKCS#1 RSAPublicKey DER (what
//     OpenSSL's i2d_PublicKey writes for RSA; not SubjectPublicKeyInfo);
//   - pol: hex TPM2 PolicyPCR digest (PolicyPCRDigest), always computed with
//     SHA-256 as the policy hash, whatever the bank;
//   - sig: base64 RSASSA-PKCS1-v1_5 over the pol bytes with the bank's hash
//     (RSA-SHA256 for "sha256").
//
// A TPM2_PolicyAuthorize ticket is checked over aHash = H(approvedPolicy ‖
// policyRef); with an empty policyRef and SHA-256 that is SHA-256(pol), so
// a sha256 entry's sig is exactly the signature TPM2_VerifySignature needs
// (manx/tpm/seal does that).
//
// Sign is deterministic (PKCS#1 v1.5 uses no randomness; keys and fields are
// written in a fixed order, entries in the caller's order) because the
// JSON goes into a reproducible UKI. Parse is strict: known banks only, no
// unknown or duplicate keys, lower-case hex of the right length, standard
// padded base64, bounded sizes; every error names the field.
//
// The package imports only the standard library, so the guest init can
// read the sections without linking TPM or PE code.
package pcrsig
