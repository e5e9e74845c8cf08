//go:build mage

package main

import (
	"os"
	"sort"

	"github.com/magefile/mage/mg"

	"manx/catalog"
	"manx/firmware/varstore"
)

// Keys generates the Secure Boot (PK, KEK, db, kexec) and stboot keys into keys/ (or MANX_KEYS_DIR) if absent; it never overwrites.
func Keys() error {
	p, err := newPipeline()
	if err != nil {
		return err
	}
	p.GenerateKeys = true // the one command that may create a hierarchy in MANX_KEYS_DIR
	_, err = p.Keys()
	return err
}

// Inspect prints build artefacts in human-readable form.
type Inspect mg.Namespace

// Vars describes every UEFI variable store under build/varstore.
func (Inspect) Vars() error {
	p, err := newPipeline()
	if err != nil {
		return err
	}
	var files []string
	for _, a := range catalog.InGroup(catalog.GroupVarStore) {
		files = append(files, a.In(p.Env.BuildDir))
	}
	sort.Strings(files)
	for _, f := range files {
		if _, err := os.Stat(f); err != nil {
			return err
		}
		if err := varstore.DescribeFile(os.Stdout, f); err != nil {
			return err
		}
	}
	return nil
}
