package varstore

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"errors"
	"fmt"
	"time"

	"manx/firmware/varstore/mscerts"
)

// Kind selects one of the stores Manx ships.
type Kind int

const (
	// Blank has no variables: setup mode, Secure Boot off.
	Blank Kind = iota + 1
	// Microsoft has PK = Manx, KEK = Manx KEKs (if any) + Microsoft KEK CAs
	// 2011/2023, db = the five Microsoft CAs, a placeholder dbx, Secure Boot on.
	Microsoft
	// Custom has Manx's PK, KEK and db only, a placeholder dbx, Secure Boot on.
	Custom
)

// Kinds lists every Kind in file-name order.
var Kinds = []Kind{Blank, Microsoft, Custom}

// ErrUnknownKind is returned for a Kind or kind name outside Kinds.
var ErrUnknownKind = errors.New("unknown varstore kind")

// String returns "blank", "ms" or "custom".
func (k Kind) String() string {
	switch k {
	case Blank:
		return "blank"
	case Microsoft:
		return "ms"
	case Custom:
		return "custom"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// ParseKind is the inverse of Kind.String.
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds {
		if k.String() == s {
			return k, nil
		}
	}
	return 0, fmt.Errorf("%w %q: want blank, ms or custom", ErrUnknownKind, s)
}

// Certs are Manx's own Secure Boot certificates. Blank ignores them all;
// Microsoft needs PK, takes KEK optionally (enrolled before Microsoft's) and
// ignores DB; Custom needs PK and at least one KEK and one DB.
type Certs struct {
	PK  *x509.Certificate
	KEK []*x509.Certificate
	DB  []*x509.Certificate
}

// Secure Boot variable names.
const (
	NamePK               = "PK"
	NameKEK              = "KEK"
	NameDB               = "db"
	NameDBX              = "dbx"
	NameSecureBootEnable = "SecureBootEnable"
	NameCustomMode       = "CustomMode"
)

// New builds the store of the given kind. t is the build time
// (SOURCE_DATE_EPOCH, never the wall clock); PK, KEK, db and dbx carry it as
// EFI_TIME, capped at AuthTimeLimit. The result is a pure function of the
// arguments.
func New(kind Kind, certs Certs, t time.Time) (*Store, error) {
	at, err := authTime(t)
	if err != nil {
		return nil, fmt.Errorf("building %s varstore: %w", kind, err)
	}
	var kek, db []*x509.Certificate
	var kekOwners, dbOwners []GUID
	switch kind {
	case Blank:
		return &Store{Variables: []Variable{}}, nil
	case Microsoft:
		msKEK, err := mscerts.KEK()
		if err != nil {
			return nil, fmt.Errorf("building ms varstore: %w", err)
		}
		msDB, err := mscerts.DB()
		if err != nil {
			return nil, fmt.Errorf("building ms varstore: %w", err)
		}
		kek, kekOwners = appendOwned(kek, kekOwners, certs.KEK, ManxOwnerGUID)
		kek, kekOwners = appendOwned(kek, kekOwners, msKEK, MicrosoftOwnerGUID)
		db, dbOwners = appendOwned(db, dbOwners, msDB, MicrosoftOwnerGUID)
	case Custom:
		if len(certs.KEK) == 0 || len(certs.DB) == 0 {
			return nil, fmt.Errorf("building custom varstore: need at least one KEK and one db certificate, have %d and %d", len(certs.KEK), len(certs.DB))
		}
		kek, kekOwners = appendOwned(kek, kekOwners, certs.KEK, ManxOwnerGUID)
		db, dbOwners = appendOwned(db, dbOwners, certs.DB, ManxOwnerGUID)
	default:
		return nil, fmt.Errorf("building varstore: %w %v", ErrUnknownKind, kind)
	}
	if certs.PK == nil {
		return nil, fmt.Errorf("building %s varstore: no PK certificate", kind)
	}
	s, err := secureBootStore(certs.PK, kek, kekOwners, db, dbOwners, at)
	if err != nil {
		return nil, fmt.Errorf("building %s varstore: %w", kind, err)
	}
	return s, nil
}

func appendOwned(cs []*x509.Certificate, owners []GUID, add []*x509.Certificate, owner GUID) ([]*x509.Certificate, []GUID) {
	for _, c := range add {
		cs = append(cs, c)
		owners = append(owners, owner)
	}
	return cs, owners
}

// secureBootStore returns PK, KEK, db, placeholder dbx, SecureBootEnable=1
// and CustomMode=0 (what virt-fw-vars --secure-boot writes), sorted.
func secureBootStore(pk *x509.Certificate, kek []*x509.Certificate, kekOwners []GUID, db []*x509.Certificate, dbOwners []GUID, at EFITime) (*Store, error) {
	pkData, err := x509ESL(ManxOwnerGUID, pk)
	if err != nil {
		return nil, fmt.Errorf("PK: %w", err)
	}
	kekData, err := x509ESLs(kek, kekOwners)
	if err != nil {
		return nil, fmt.Errorf("KEK: %w", err)
	}
	dbData, err := x509ESLs(db, dbOwners)
	if err != nil {
		return nil, fmt.Errorf("db: %w", err)
	}
	// Placeholder dbx: one SHA-256 entry, sha256 of the empty string, as
	// virt-fw-vars --secure-boot and Debian's OVMF_VARS*.ms.fd have it.
	dbxData, err := sha256ESL(PlaceholderDBXOwnerGUID, sha256.Sum256(nil))
	if err != nil {
		return nil, fmt.Errorf("dbx: %w", err)
	}
	s := &Store{Variables: []Variable{
		{Name: NamePK, GUID: GlobalVariableGUID, Attributes: AttrSecureBootKeys, Time: at, Data: pkData},
		{Name: NameKEK, GUID: GlobalVariableGUID, Attributes: AttrSecureBootKeys, Time: at, Data: kekData},
		{Name: NameDB, GUID: ImageSecurityDatabaseGUID, Attributes: AttrSecureBootKeys, Time: at, Data: dbData},
		{Name: NameDBX, GUID: ImageSecurityDatabaseGUID, Attributes: AttrSecureBootKeys, Time: at, Data: dbxData},
		{Name: NameSecureBootEnable, GUID: SecureBootEnableGUID, Attributes: AttrNVBS, Data: []byte{1}},
		{Name: NameCustomMode, GUID: CustomModeGUID, Attributes: AttrNVBS, Data: []byte{0}},
	}}
	s.Sort()
	return s, nil
}

// x509ESLs concatenates one ESL per certificate, refusing duplicates.
func x509ESLs(cs []*x509.Certificate, owners []GUID) ([]byte, error) {
	var out []byte
	for i, c := range cs {
		if c == nil {
			return nil, fmt.Errorf("certificate %d is nil", i)
		}
		for _, d := range cs[:i] {
			if bytes.Equal(d.Raw, c.Raw) {
				return nil, fmt.Errorf("certificate %q listed twice", c.Subject.String())
			}
		}
		esl, err := x509ESL(owners[i], c)
		if err != nil {
			return nil, err
		}
		out = append(out, esl...)
	}
	return out, nil
}
