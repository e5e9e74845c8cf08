// Package verdict decides whether an AMD SEV-SNP attestation report is
// acceptable: it holds the relying party's policy file (Policy, Parse, Load)
// and checks a report against it (Validate for the report's own fields, Check
// for the whole verdict: signature chain, REPORT_DATA nonce, MEASUREMENT and
// Validate).
//
// Both sides use it: the in-guest attest tool (manx/userland/attest) and the
// host's offline check, manx-measure verify-report. It links no PE or UEFI
// code and reads no launch-digest table itself: callers hand it the expected
// measurements (the host reads build/measure/snp.json with
// manx/firmware/snp.ReadJSON).
//
// Every failing field is reported, not just the first: Check and Validate
// return errors.Join of one single-line error per field, for example
//
//	policy: debug allowed (guest policy bit 19)
//	vmpl 1, want 0
//	reported TCB 0x0 (bootloader 0, tee 0, snp 0, microcode 0) below minimum 0x7300000000000003 (bootloader 3, tee 0, snp 0, microcode 115)
//	measurement 6098…b949 not in table (32 launch digests)
//	report_data ddaf…a49f does not match nonce 616263 (want sha512(nonce) = …)
//
// go-sev-guest's verify package checks the signature chain (VCEK → ASK → ARK,
// offline unless fetching is allowed) and its validate package the TCB
// relationships: REPORTED_TCB equals the VCEK certificate's TCB, which is at
// most CURRENT_TCB, COMMITTED_TCB and firmware build/version equal the current
// ones, and CHIP_ID matches the VCEK's hardware ID. Manx checks the policy bits,
// VMPL, minimum TCB, CHIP_ID allow-list, MEASUREMENT and REPORT_DATA itself, so
// that each gets its own line.
package verdict
