package keys

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"manx/internal/atomicfile"
)

// Role names one key of the hierarchy; its files are <role>.key and <role>.crt.
type Role string

// The roles, in generation order.
const (
	PK           Role = "PK"
	KEK          Role = "KEK"
	DB           Role = "db"
	Kexec        Role = "kexec"
	StbootRoot   Role = "stboot-root"
	StbootSigner Role = "stboot-signer"
	PCRPolicy    Role = "pcr-policy"
)

// Roles lists every role of a complete hierarchy.
var Roles = []Role{PK, KEK, DB, Kexec, StbootRoot, StbootSigner, PCRPolicy}

// addedLater are roles a hierarchy generated before they existed lacks;
// Ensure generates them alone (they are independent self-signed keys that
// nothing else in the hierarchy refers to).
var addedLater = []Role{Kexec, PCRPolicy}

// KeyFile returns the private key file name of r.
func (r Role) KeyFile() string { return string(r) + ".key" }

// CertFile returns the certificate file name of r.
func (r Role) CertFile() string { return string(r) + ".crt" }

// files returns every file name of a complete hierarchy.
func files() []string {
	var out []string
	for _, r := range Roles {
		out = append(out, r.KeyFile(), r.CertFile())
	}
	return out
}

// existing returns which of the hierarchy's files exist in dir.
func existing(dir string) (present, missing []string, err error) {
	for _, f := range files() {
		_, err := os.Lstat(filepath.Join(dir, f))
		switch {
		case err == nil:
			present = append(present, f)
		case errors.Is(err, fs.ErrNotExist):
			missing = append(missing, f)
		default:
			return nil, nil, fmt.Errorf("checking %s: %w", f, err)
		}
	}
	return present, missing, nil
}

func keyPEM(k crypto.Signer) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return nil, fmt.Errorf("encoding private key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

func certPEM(c *x509.Certificate) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
}

// writeNew writes b to dir/name with mode perm without ever replacing an
// existing file (atomicfile.WriteNew: a complete, synced temporary file is
// hard-linked to the final name, which fails if that exists). An existing
// file is reported as ErrExist.
func writeNew(dir, name string, b []byte, perm os.FileMode) error {
	p := filepath.Join(dir, name)
	err := atomicfile.WriteNew(p, b, perm)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("writing %s: %w", p, ErrExist)
	}
	return err
}
