package pipeline

import (
	"errors"
	"fmt"

	"manx/internal/buildenv"
	"manx/sign/keys"
	"manx/sign/siglog"
)

// Keys returns the key hierarchy the build signs with, loaded once: the
// publisher's, replayed from its signature log, when Env.ReplaySignatures
// is set (no private key is used); else the keys in Env.KeysDir, recording
// every signature. The default keys directory is generated, with a loud
// warning, when it holds no keys; one named by MANX_KEYS_DIR
// (Env.KeysDirFromEnv) must hold a hierarchy already unless GenerateKeys
// is set (`mage keys`).
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
		load := keys.Ensure
		if p.Env.KeysDirFromEnv && !p.GenerateKeys {
			load = keys.Open
		}
		ks, err := load(p.Env.KeysDir, p.Env.Epoch, p.Log)
		if errors.Is(err, keys.ErrNoKeys) && p.Env.KeysDirFromEnv {
			err = fmt.Errorf("%s=%s: %w; fix the path, or generate a new hierarchy there with `%s=%s go run mage.go keys`",
				buildenv.EnvKeysDir, p.Env.KeysDir, err, buildenv.EnvKeysDir, p.Env.KeysDir)
		}
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
