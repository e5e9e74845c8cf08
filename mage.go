//go:build ignore

// Command mage.go runs Manx's Mage targets without installing mage:
//
//	go run mage.go buildAll
//	go run mage.go test
package main

import (
	"os"

	"github.com/magefile/mage/mage"
)

func main() { os.Exit(mage.Main()) }
