package pcr

import (
	"fmt"
	"io"

	"manx/tpm/eventlog"
)

// Event data EDK II logs in PCR 4 (MdePkg IndustryStandard/UefiTcgPlatform.h).
const (
	callingEFIApplication = "Calling EFI Application from Boot Option"
)

// separator is the data of EV_SEPARATOR events: a UINT32 zero.
var separator = []byte{0, 0, 0, 0}

// Predict4 predicts PCR 4 (boot manager code) for OVMF booting the UKI
// from its default boot option:
//
//  1. EV_EFI_ACTION "Calling EFI Application from Boot Option", the
//     ASCII string without NUL: Tcg2Dxe's ReadyToBoot handler, which BDS
//     signals before it loads the boot option (EDK II
//     SecurityPkg/Tcg/Tcg2Dxe/Tcg2Dxe.c OnReadyToBoot,
//     MdeModulePkg/Library/UefiBootManagerLib/BmBoot.c EfiBootManagerBoot);
//  2. EV_SEPARATOR, the same handler drawing the pre-OS line for PCRs 0–6;
//  3. EV_EFI_BOOT_SERVICES_APPLICATION, the UKI's Authenticode digest
//     (DxeTpm2MeasureBootLib when BDS loads it);
//  4. with Secure Boot off only, EV_EFI_BOOT_SERVICES_APPLICATION for the
//     kernel systemd-stub loads from .linux: with Secure Boot on, the stub's
//     security override accepts the embedded kernel without calling the
//     firmware's measuring handler (systemd v254 src/boot/efi/linux.c
//     load_image, secure-boot.c install_security_override, a no-op when
//     Secure Boot is off).
//
// The captured boot (testdata/capture) logged exactly 1–3 with Secure Boot
// on. With QEMU's -kernel the UKI's event came first instead: PCR 4 depends
// on the boot path.
func Predict4(in Inputs) ([]Event, error) {
	if err := in.needUKI(); err != nil {
		return nil, fmt.Errorf("predicting PCR 4: %w", err)
	}
	banks := in.banks()
	action, err := sum(banks, []byte(callingEFIApplication))
	if err != nil {
		return nil, fmt.Errorf("predicting PCR 4: %w", err)
	}
	sep, err := sum(banks, separator)
	if err != nil {
		return nil, fmt.Errorf("predicting PCR 4: %w", err)
	}
	evs := []Event{
		{PCR: 4, Type: eventlog.EvEFIAction, Description: `"` + callingEFIApplication + `"`, Digests: action},
		{PCR: 4, Type: eventlog.EvSeparator, Description: "0x00000000", Digests: sep},
		{PCR: 4, Type: eventlog.EvEFIBootServicesApplication, Description: "UKI (Authenticode)", Digests: in.UKI.Authenticode},
	}
	if !in.secureBoot() {
		for _, a := range banks {
			if _, ok := in.UKI.LinuxAuthenticode[a]; !ok {
				return nil, fmt.Errorf("predicting PCR 4: %w: the UKI summary has no %s digest of .linux", ErrInputs, a)
			}
		}
		evs = append(evs, Event{PCR: 4, Type: eventlog.EvEFIBootServicesApplication,
			Description: "UKI .linux kernel (Authenticode; Secure Boot off)", Digests: in.UKI.LinuxAuthenticode})
	}
	return evs, nil
}

// Describe4 prints the events Predict4 expects, one per line.
func Describe4(w io.Writer, in Inputs) error { return describeWith(w, in, Predict4) }
