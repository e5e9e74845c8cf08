// Package varstore builds, writes, parses and describes UEFI variable stores
// for OVMF in the two forms Manx ships: the raw pflash image of the 4 MiB
// OVMF_VARS layout and the JSON file of QEMU's uefi-vars device. One variable
// model (Store, Variable) backs both forms; New builds the blank, Microsoft
// and custom Secure Boot stores deterministically from a caller-supplied time.
//
// Layout, Secure Boot logic and JSON schema follow docs/varstore.md (edk2
// OvmfPkg VarStore.fdf.inc, MdeModulePkg VariableFormat.h and
// FaultTolerantWrite, QEMU hw/uefi/var-service-json.c, qapi/uefi.json).
package varstore
