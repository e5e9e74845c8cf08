package pipeline

import (
	"context"
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"

	"manx/catalog"
	"manx/firmware/varstore"
)

// varStores writes the blank, Microsoft and custom stores in both forms
// (catalog.VarStore) with this build's PK, KEK and db.
func (p *Pipeline) varStores(ctx context.Context) error {
	ks, err := p.Keys()
	if err != nil {
		return err
	}
	certs := varstore.Certs{
		PK:  ks.PK.Certificate(),
		KEK: []*x509.Certificate{ks.KEK.Certificate()},
		DB:  []*x509.Certificate{ks.DB.Certificate()},
	}
	st, err := p.Stamp(ctx, catalog.GroupVarStore)
	if err != nil {
		return err
	}
	blank, err := catalog.VarStore("blank", "fd")
	if err != nil {
		return err
	}
	dir := filepath.Dir(blank.In(p.Env.BuildDir))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if _, err := varstore.WriteAll(dir, certs, st.Epoch); err != nil {
		return fmt.Errorf("writing variable stores: %w", err)
	}
	return nil
}
