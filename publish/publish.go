// Package publish is what Manx publishes and how a researcher checks it:
// the hash manifest (hashes/<arch>.json) with the publisher's signature log
// (Hashes), the comparison of a build with them (Check), the independent
// rebuild that re-derives every published hash (VerifyPublished) and the
// two-build reproducibility check (Repro). Rebuilds call the build graph
// (cmd/manx build GROUP, which runs manx/pipeline) in a copy of the
// repository.
package publish

import (
	"manx/pipeline"
)

// HashesFile is the published hash manifest of this architecture, and
// SignaturesFile the publisher's certificates and signatures (sign/siglog)
// that let a rebuild without private keys reproduce the signed and
// key-bearing artefacts; KexecCertFile is the publisher's kexec certificate
// (PEM, also in the signature log), which the flake's kernel embeds; all
// relative to the repository root.
const (
	HashesFile     = "hashes/x86_64.json"
	SignaturesFile = "hashes/x86_64.signatures.json"
	KexecCertFile  = "hashes/x86_64.kexec.pem"
)

// Publisher publishes and verifies the builds of one pipeline.
type Publisher struct {
	P *pipeline.Pipeline
}
