// Package eventlog parses, replays, describes and writes the TCG PC Client
// firmware event log as Linux exposes it at
// /sys/kernel/security/tpm0/binary_bios_measurements.
//
// The crypto-agile format (TCG PC Client Platform Firmware Profile, PFP,
// §10.2) starts with one TCG_PCR_EVENT in the SHA-1 log format whose data is
// the "Spec ID Event03" structure listing the banks and their digest sizes;
// every later record is a TCG_PCR_EVENT2 carrying one digest per bank
// (TPML_DIGEST_VALUES). A log whose first event is not the Spec ID event is
// read as a TCG 1.2 log of SHA-1 TCG_PCR_EVENTs.
//
// The parser treats the log as hostile: every count and size is checked
// against the bytes left before anything is allocated, it never panics, and
// errors name the byte offset and the problem. The package uses the standard
// library only, so guest programs can link it.
package eventlog
