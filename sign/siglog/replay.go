package siglog

import (
	"crypto"
	"fmt"
	"io"

	"manx/sign"
	"manx/sign/keys"
)

// Replay returns a key set without private keys whose signers answer from
// l: an input the publisher signed gets the publisher's signature, any other
// fails with ErrNoSignature.
func (l *Log) Replay() (*keys.Set, error) {
	members := map[keys.Role]*sign.Static{}
	for _, r := range keys.Roles {
		cert := l.certs[r]
		st, err := sign.NewStatic(replayer{role: r, pub: cert.PublicKey, log: l}, cert)
		if err != nil {
			return nil, fmt.Errorf("replaying signatures of %s: %w", r, err)
		}
		members[r] = st
	}
	return keys.Assemble(members)
}

type replayer struct {
	role keys.Role
	pub  crypto.PublicKey
	log  *Log
}

func (r replayer) Public() crypto.PublicKey { return r.pub }

func (r replayer) Sign(_ io.Reader, input []byte, opts crypto.SignerOpts) ([]byte, error) {
	sig, ok := r.log.lookup(r.role, opts.HashFunc(), input)
	if !ok {
		return nil, fmt.Errorf("%w by %s over %x: the input differs from the published build's", ErrNoSignature, r.role, input)
	}
	return sig, nil
}
