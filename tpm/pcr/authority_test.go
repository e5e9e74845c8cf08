package pcr

import (
	"crypto/x509"
	"errors"
	"testing"
	"time"

	"manx/firmware/varstore"
	"manx/internal/testutil"
)

func TestFindAuthority(t *testing.T) {
	store := customStore(t)
	db, _ := store.Lookup(varstore.NameDB, varstore.ImageSecurityDatabaseGUID)
	signed := signedUKI(t)
	e, err := FindAuthority(signed, db.Data)
	if err != nil {
		t.Fatalf("FindAuthority() = %v", err)
	}
	if !cert(t, "db").Certificate().Equal(mustParse(t, e.Data)) || e.Owner != varstore.ManxOwnerGUID {
		t.Errorf("FindAuthority() = owner %s, a different certificate; want the db signing certificate owned by Manx", varstore.FormatGUID(e.Owner))
	}

	// A db without the signer: no authority.
	other, err := varstore.New(varstore.Custom, varstore.Certs{
		PK: cert(t, "pk").Certificate(), KEK: []*x509.Certificate{cert(t, "kek").Certificate()}, DB: []*x509.Certificate{cert(t, "other db").Certificate()},
	}, time.Unix(1735689600, 0))
	if err != nil {
		t.Fatal(err)
	}
	otherDB, _ := other.Lookup(varstore.NameDB, varstore.ImageSecurityDatabaseGUID)
	if _, err := FindAuthority(signed, otherDB.Data); !errors.Is(err, ErrNoAuthority) {
		t.Errorf("FindAuthority(db without the signer) = %v, want ErrNoAuthority", err)
	}
	if _, err := FindAuthority(assemble(t, testSpec(t)), db.Data); err == nil {
		t.Errorf("FindAuthority(unsigned) = nil error")
	}
	if _, err := FindAuthority(signed, []byte{1, 2, 3}); err == nil {
		t.Errorf("FindAuthority(malformed db) = nil error")
	}
}

func TestChainsTo(t *testing.T) {
	root, signer := testutil.Ed25519Hierarchy(t, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	otherRoot, _ := testutil.Ed25519Hierarchy(t, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	leaf := signer.Certificate()
	for _, tt := range []struct {
		name string
		root *x509.Certificate
		pool []*x509.Certificate
		want bool
	}{
		{"root is the signer", leaf, nil, true},
		{"root issued the signer", root, nil, true},
		{"unrelated root", otherRoot, []*x509.Certificate{root}, false},
	} {
		if got := chainsTo(leaf, tt.root, tt.pool); got != tt.want {
			t.Errorf("chainsTo(%s) = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func mustParse(t *testing.T, der []byte) *x509.Certificate {
	t.Helper()
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
