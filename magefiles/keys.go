//go:build mage

package main

import (
	"github.com/magefile/mage/mg"

	"manx/internal/app"
)

// Keys generates the Secure Boot (PK, KEK, db) and stboot keys into keys/ if absent; it never overwrites.
func Keys() error {
	a, err := app.Get()
	if err != nil {
		return err
	}
	_, err = a.Keys()
	return err
}

// Inspect prints build artefacts in human-readable form.
type Inspect mg.Namespace

// Vars describes every UEFI variable store under build/varstore.
func (Inspect) Vars() error {
	a, err := app.Get()
	if err != nil {
		return err
	}
	return a.InspectVars()
}
