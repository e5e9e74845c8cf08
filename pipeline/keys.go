package pipeline

import (
	"manx/sign/keys"
	"manx/sign/siglog"
)

// Keys returns the key hierarchy the build signs with, loaded once: the
// publisher's, replayed from its signature log, when Env.ReplaySignatures
// is set (no private key is used); else the keys in Env.KeysDir (generated,
// with a loud warning, when there are none), recording every signature.
func (p *Pipeline) Keys() (*keys.Set, error) {
	p.keysOnce.Do(func() {
		if path := p.Env.ReplaySignatures; path != "" {
			if p.sigs, p.keysErr = siglog.Read(path); p.keysErr != nil {
				return
			}
			p.keySet, p.keysErr = p.sigs.Replay()
			p.Log.Info("Signing by replaying published signatures: no private keys are used", "log", path,
				"signatures", len(p.sigs.Entries()))
			return
		}
		ks, err := keys.Ensure(p.Env.KeysDir, p.Env.Epoch, p.Log)
		if err != nil {
			p.keysErr = err
			return
		}
		p.keySet, p.sigs, p.keysErr = siglog.Record(ks)
	})
	return p.keySet, p.keysErr
}

// Signatures returns the log of every signature this pipeline's keys made
// (or the log it replays). Call it after Keys.
func (p *Pipeline) Signatures() *siglog.Log { return p.sigs }
