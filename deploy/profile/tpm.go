package profile

import (
	"time"

	"manx/catalog"
)

// Measured boot markers (manx/userland/cmd/init): the secret sealed to the
// persistent TPM unsealed ("tpm: unsealed <first 12 hex of its SHA-256>",
// completed by the check from the secret it sealed), its TOTP code, and
// the refusals.
const (
	MarkerUnsealed      = "tpm: unsealed "
	MarkerTOTP          = "tpm: totp "
	MarkerUnsealPolicy  = "tpm: UNSEAL REFUSED (policy)"
	MarkerUnsealSigning = "tpm: UNSEAL REFUSED (signature)"
)

// TPMStateSealed is the persistent TPM the unseal profiles share: the host
// seals one secret to it once, and every profile boots against it.
const TPMStateSealed = "sealed"

// RTCBase is the guest clock's start in the unseal profiles: TOTP codes
// are computed for a known date (the check recomputes the code for the
// time the guest prints).
const RTCBase = "2026-01-01T00:00:00"

// UKIs with a signed PCR policy (artefact catalogue names).
var (
	UKIPCRSigned   = catalog.UKIPCRSigned.Name
	UKIPCRUpdated  = catalog.UKIPCRUpdated.Name
	UKIPCROtherKey = catalog.UKIPCROtherKey.Name
)

// MeasuredBoot returns the sealing profiles (each also checks PCRs 4, 7,
// 9 and 11 against the prediction, PCR 9 covering the cpio archives
// systemd-stub makes of .pcrsig and .pcrpkey): a secret sealed with
// PolicyAuthorize(the PCR policy key) and the literal Secure Boot state
// (PCR 7) unseals under any UKI whose signed PCR 11 policy holds, with
// Secure Boot on, and nowhere else.
func MeasuredBoot() []Profile {
	unseal := func(id, summary, store, efi string, expect, refuse []string) Profile {
		return Profile{
			ID: id, Summary: summary,
			Machine: MachineQ35, Firmware: FirmwarePflash, VarStore: store, Boot: BootESP, UKI: efi, Display: DisplayNone,
			TPMState: TPMStateSealed, Sealed: true, PCRs: []int{4, 7, 9, 11}, TPMEventLog: true,
			Expect: expect, Refuse: append(refuse, "Kernel panic"), Timeout: 180 * time.Second,
		}
	}
	ok := []string{MarkerSecureBoot, MarkerUnsealed, MarkerTOTP, MarkerUserland}
	leaked := []string{MarkerUnsealed, MarkerTOTP}
	return []Profile{
		unseal("uki,sb-pass,tpm,unseal",
			"the UKI's signed PCR policy holds: the secret sealed to the persistent TPM unseals, and its TOTP code is right",
			"custom", UKIPCRSigned, ok, []string{MarkerUnsealPolicy, MarkerUnsealSigning}),
		unseal("uki,sb-off,tpm,unseal",
			"blank store (Secure Boot off), same UKI: PCR 7 differs, the TPM refuses to unseal",
			"blank", UKIPCRSigned, []string{MarkerUnsealPolicy, MarkerUserland}, leaked),
		unseal("uki,other-pcr-key,tpm,unseal",
			"a UKI whose .pcrsig another key made: no signature of the sealing key vouches for PCR 11, refused",
			"custom", UKIPCROtherKey, []string{MarkerSecureBoot, MarkerUnsealSigning, MarkerUserland}, leaked),
		unseal("uki,updated,tpm,unseal",
			"an updated UKI (new initramfs, new PCR 11) signed with the same PCR key unseals the same secret with no re-sealing",
			"custom", UKIPCRUpdated, ok, []string{MarkerUnsealPolicy, MarkerUnsealSigning}),
	}
}
