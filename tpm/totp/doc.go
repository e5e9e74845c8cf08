// Package totp computes RFC 6238 time-based one-time passwords as Heads
// uses them to show that the firmware and boot state are intact: a
// secret sealed to the TPM (manx/tpm/seal) is the HMAC-SHA1 seed, the
// machine shows the current code, and a phone that enrolled the seed
// through URI shows the same code only if the secret unsealed.
//
// Parameters are the RFC 6238 / Google Authenticator defaults Heads uses:
// HMAC-SHA1, a 30-second step from the Unix epoch, 6 digits. The clock is
// the caller's: Code takes the time.
package totp
