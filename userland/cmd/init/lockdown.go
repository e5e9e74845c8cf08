package main

import (
	"os"
	"strings"
)

// lockdownFile is the lockdown LSM's state under securityfs: the levels,
// the active one in brackets ("none [integrity] confidentiality").
const lockdownFile = "/sys/kernel/security/lockdown"

// markerLockdown prefixes init's lockdown line; the boot checks expect
// "manx: lockdown: none [integrity] confidentiality" on every Manx kernel
// (lockdown is forced in its configuration).
const markerLockdown = "manx: lockdown: "

// lockdownLine is the line init prints about read (lockdownFile's
// contents, or the error reading it).
func lockdownLine(read func(string) ([]byte, error)) string {
	b, err := read(lockdownFile)
	if err != nil {
		return markerLockdown + "unknown (" + err.Error() + ")"
	}
	return markerLockdown + strings.TrimSpace(string(b))
}

// showLockdown prints the kernel's lockdown state.
func showLockdown(con console) { con.line(lockdownLine(os.ReadFile)) }
