// Package authenticode signs PE/COFF images (UKIs, bzImage kernels) with Authenticode for UEFI
// Secure Boot and for Linux kexec_file_load under lockdown.
//
// Keys sit behind the Signer interface, so a file backend today and a PKCS#11/YubiKey
// backend later serve the same callers. Signatures are reproducible: the PKCS#7
// SignedData carries only the contentType and messageDigest authenticated attributes (no
// signingTime, no timestamp), and RSA PKCS#1 v1.5 is deterministic, so the same key and
// input give the same bytes.
//
// Why not go-uefi's pkcs7.NoAttr: the Linux PKCS#7 parser rejects Authenticode without
// authenticated attributes ("Authenticode requires AuthAttrs",
// crypto/asymmetric_keys/pkcs7_parser.c) and requires contentType and messageDigest, so
// kexec_file_load would refuse a NoAttr-signed kernel. go-uefi's default adds a
// wall-clock signingTime. This package therefore builds the SignedData itself and uses
// go-uefi for PE parsing, the Authenticode image hash, SpcIndirectDataContent and the
// certificate table.
package authenticode
