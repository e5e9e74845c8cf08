// Package swtpm runs swtpm, the TPM 2.0 emulator, on the host: Setup
// manufactures a state directory with only the SHA-256 PCR bank, Start
// serves it on a Unix socket with a go-tpm transport (to seal a secret
// before a VM boots, or in tests), and StartForQEMU serves it on a control
// socket only, as QEMU's `-chardev socket,id=C,path=CTRL -tpmdev
// emulator,id=T,chardev=C -device tpm-crb,tpmdev=T` (or tpm-tis) expects.
//
// Command lines (swtpm 0.7.1, Debian bookworm):
//
//	swtpm_setup --tpm2 --tpmstate STATE --pcr-banks sha256 --not-overwrite
//	swtpm socket --tpm2 --tpmstate dir=STATE --server type=unixio,path=SOCK \
//	    --ctrl type=unixio,path=SOCK.ctrl --flags startup-clear,not-need-init
//	swtpm socket --tpm2 --tpmstate dir=STATE --ctrl type=unixio,path=RUN/swtpm.ctrl --terminate
//
// The control socket of Start is the data socket's path plus ".ctrl", the
// layout tpm2-tss's swtpm TCTI expects, so Process.Device can be handed to
// tpm2-tools and systemd-measure (`--tpm2-device=swtpm:path=SOCK`).
//
// Processes never outlive their owner: Stop (or the stop function) sends
// SIGTERM, waits, and kills after a grace period; a cancelled context does
// the same; and the child gets SIGKILL if the Go process dies
// (PR_SET_PDEATHSIG). swtpm keeps the permanent state (the seeds, and so
// the SRK every seal derives) in STATE/tpm2-00.permall and writes it
// whenever it changes, so a SIGTERM loses only volatile state, as a power
// cut would. Two swtpm processes cannot share a state directory (swtpm
// locks it).
package swtpm
