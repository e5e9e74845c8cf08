// Package attest checks, from inside an AMD SEV-SNP guest, that the guest was
// launched as expected: it asks the AMD secure processor for an attestation report
// bound to a caller nonce, verifies the report's signature chain offline and
// compares the report with expectations.
//
// Binding: REPORT_DATA (64 bytes) is SHA-512 of the nonce bytes, so any nonce
// length fits and a verifier recomputes it with one hash (ReportData).
//
// Checks, in order, each failing with a *CheckError naming it:
//   - "report": a report could be obtained and parsed;
//   - "signature": the report is signed by a VCEK/VLEK that chains to AMD's ARK
//     (go-sev-guest's embedded Milan/Genoa/Turin roots unless Options.TrustedRoots
//     is set), with certificates taken from the report's certificate table; AMD's
//     key distribution service is contacted only when Options.FetchCerts is set;
//   - "report data": REPORT_DATA equals SHA-512(nonce);
//   - "measurement": MEASUREMENT equals the expected launch digest (computed
//     by manx/firmware/snp from the exact firmware, kernel, initrd and command
//     line QEMU is given, and handed over by the host in the fw_cfg item
//     FWCfgMeasurement as hex; it cannot be inside the initramfs, which the
//     digest covers);
//   - "policy": the guest policy forbids debugging (unless Options.AllowDebug) and,
//     when Options.Policy is set, equals it exactly;
//   - "policy file": when a relying-party policy file is given (Options.Rules;
//     the CLI reads --policy-file, or DefaultPolicyPath if it exists), the report
//     is validated against it by manx/userland/attest/verdict: minimum TCB,
//     VMPL, debug and migration agent, CHIP_ID allow-list, measurements, and
//     go-sev-guest's TCB consistency checks (REPORTED_TCB = VCEK TCB). The file's
//     allow_debug then replaces the "policy" debug check.
//
// After the signature check, every failing check is reported (errors.Join of
// *CheckError; the CLI prints one "attest: FAIL" line each).
//
// Reports come through the QuoteProvider interface: configfs-tsm when the kernel
// offers it with the sev_guest provider, else /dev/sev-guest (Open); tests use
// go-sev-guest's fake AMD-SP.
package attest
