// Command attest runs inside a Manx SEV-SNP guest: it gets an attestation report
// bound to a nonce, verifies its signature chain offline and checks MEASUREMENT
// against the expected value the host hands over in fw_cfg
// (opt/manx/snp-measurement), printing one verdict line. See package
// manx/userland/attest for the checks, flags and exit statuses.
package main

import (
	"crypto/rand"
	"os"

	"manx/userland/attest"
)

func main() {
	cli := attest.CLI{Open: attest.Open, Rand: rand.Reader}
	os.Exit(cli.Run(os.Args[1:], os.Stdout, os.Stderr))
}
