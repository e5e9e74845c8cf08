package siglog

import (
	"crypto"
	"fmt"
	"io"

	"manx/sign"
	"manx/sign/keys"
)

// Record returns a key set that signs with set's keys and adds every
// signature to the returned log.
func Record(set *keys.Set) (*keys.Set, *Log, error) {
	l := New(set)
	members := map[keys.Role]*sign.Static{}
	for _, r := range keys.Roles {
		st := set.Get(r)
		w, err := sign.NewStatic(recorder{inner: st.Signer(), role: r, log: l}, st.Certificate())
		if err != nil {
			return nil, nil, fmt.Errorf("recording signatures of %s: %w", r, err)
		}
		members[r] = w
	}
	rec, err := keys.Assemble(members)
	if err != nil {
		return nil, nil, err
	}
	return rec, l, nil
}

type recorder struct {
	inner crypto.Signer
	role  keys.Role
	log   *Log
}

func (r recorder) Public() crypto.PublicKey { return r.inner.Public() }

func (r recorder) Sign(rand io.Reader, input []byte, opts crypto.SignerOpts) ([]byte, error) {
	sig, err := r.inner.Sign(rand, input, opts)
	if err != nil {
		return nil, err
	}
	if err := r.log.add(Entry{Role: r.role, Hash: opts.HashFunc(), Input: input, Signature: sig}); err != nil {
		return nil, fmt.Errorf("recording a signature: %w", err)
	}
	return sig, nil
}
