package varstore

import "fmt"

// SecureBootStatus is what the firmware derives from a store at variable
// driver init (edk2 AuthVariableLibInitialize; QEMU uefi-vars does the same).
type SecureBootStatus struct {
	SetupMode bool // no PK: setup mode; PK present: user mode
	// SecureBootEnable is the stored value, or 1 when the firmware would
	// create it (user mode, variable missing); Defaulted says which.
	SecureBootEnable uint8
	Defaulted        bool
	SecureBoot       bool // user mode && SecureBootEnable == 1
}

// SecureBootStatus derives setup mode and Secure Boot as the firmware would.
func (s *Store) SecureBootStatus() SecureBootStatus {
	var st SecureBootStatus
	pk, ok := s.Lookup(NamePK, GlobalVariableGUID)
	st.SetupMode = !ok || len(pk.Data) == 0
	if sbe, ok := s.Lookup(NameSecureBootEnable, SecureBootEnableGUID); ok && len(sbe.Data) == 1 {
		st.SecureBootEnable = sbe.Data[0]
	} else if !st.SetupMode {
		st.SecureBootEnable, st.Defaulted = 1, true
	}
	st.SecureBoot = !st.SetupMode && st.SecureBootEnable == 1
	return st
}

// String summarises st in one line.
func (st SecureBootStatus) String() string {
	mode := "user mode (PK present), SetupMode=0"
	if st.SetupMode {
		mode = "setup mode (no PK), SetupMode=1"
	}
	sbe := fmt.Sprintf("SecureBootEnable=%d", st.SecureBootEnable)
	if st.Defaulted {
		sbe += " (missing; firmware creates it as 1)"
	}
	sb := 0
	if st.SecureBoot {
		sb = 1
	}
	return fmt.Sprintf("%s, %s, SecureBoot=%d", mode, sbe, sb)
}
