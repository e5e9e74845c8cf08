// Package update is the image-based OS's signed update: a bundle (a zip
// holding a new root file system, its dm-verity hash device and the
// db-signed UKI that boots it) signed by an OS-package descriptor (package
// manx/ospkg: the same signers, threshold, expiry and pkg_version rollback
// rule as stboot's packages; pkg_version is the image version).
//
// Unpack checks everything it can before anything is written: each file
// against the manifest's SHA-256, the hash device against a tree recomputed
// from the root (same salt and UUID, so the same bytes), the root hash
// against the manifest and the UKI's command line.
package update

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"manx/image/verity"
)

// File names inside the bundle.
const (
	pathManifest = "manifest.json"
	pathRoot     = "root.erofs"
	pathVerity   = "root.verity"
	pathUKI      = "manx.efi"
)

// MaxSize bounds what Unpack reads (the slots are 64 MiB and up).
const MaxSize = 1 << 30

// Bundle is an update's payload.
type Bundle struct {
	ImageVersion uint64 // the new image version (the UKI's IMAGE_VERSION)
	Root         []byte // erofs root
	Verity       []byte // its dm-verity hash device
	RootHash     []byte // the dm-verity root hash the UKI's command line names
	UKI          []byte // db-signed UKI
}

// manifest is manifest.json.
type manifest struct {
	Version      int               `json:"version"`
	ImageVersion uint64            `json:"image_version"`
	RootHash     string            `json:"root_hash"`
	SHA256       map[string]string `json:"sha256"`
}

const manifestVersion = 1

// Pack writes b as a reproducible zip (sorted, stored, every mtime t).
func Pack(w io.Writer, b Bundle, t time.Time) error {
	if t.IsZero() {
		return errors.New("update: packing: no time (SOURCE_DATE_EPOCH)")
	}
	if err := b.check(); err != nil {
		return fmt.Errorf("update: packing: %w", err)
	}
	files := map[string][]byte{pathRoot: b.Root, pathVerity: b.Verity, pathUKI: b.UKI}
	m := manifest{Version: manifestVersion, ImageVersion: b.ImageVersion, RootHash: hex.EncodeToString(b.RootHash), SHA256: map[string]string{}}
	for n, d := range files {
		s := sha256.Sum256(d)
		m.SHA256[n] = hex.EncodeToString(s[:])
	}
	mb, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	files[pathManifest] = append(mb, '\n')
	zw := zip.NewWriter(w)
	for _, n := range slices.Sorted(func(yield func(string) bool) {
		for n := range files {
			if !yield(n) {
				return
			}
		}
	}) {
		h := &zip.FileHeader{Name: n, Method: zip.Store, Modified: t.UTC().Truncate(time.Second)}
		h.SetMode(0o644)
		fw, err := zw.CreateHeader(h)
		if err != nil {
			return fmt.Errorf("update: packing %s: %w", n, err)
		}
		if _, err := fw.Write(files[n]); err != nil {
			return fmt.Errorf("update: packing %s: %w", n, err)
		}
	}
	return zw.Close()
}

// check verifies that the hash device is the tree of the root (recomputed
// with its superblock's salt and UUID), that its root hash is RootHash and
// that the UKI's command line names it.
func (b Bundle) check() error {
	if b.ImageVersion == 0 {
		return errors.New("image version 0")
	}
	if len(b.Root) == 0 || len(b.UKI) == 0 {
		return errors.New("no root or no UKI")
	}
	sb, err := verity.ParseSuperblock(b.Verity)
	if err != nil {
		return err
	}
	tree, err := verity.Format(bytes.NewReader(b.Root), int64(len(b.Root)), verity.Params{
		Salt: sb.Salt, UUID: sb.UUID, DataBlockSize: sb.DataBlockSize, HashBlockSize: sb.HashBlockSize,
	})
	if err != nil {
		return fmt.Errorf("the root's hash tree: %w", err)
	}
	if !bytes.Equal(tree.Device, b.Verity) {
		return errors.New("the hash device is not the root's tree")
	}
	if !bytes.Equal(tree.RootHash, b.RootHash) {
		return fmt.Errorf("the root hash is %x, the manifest says %x", tree.RootHash, b.RootHash)
	}
	if !bytes.Contains(b.UKI, []byte(" sha256 "+hex.EncodeToString(b.RootHash)+" ")) {
		return fmt.Errorf("the UKI's command line does not name root hash %x", b.RootHash)
	}
	return nil
}

// Unpack reads and checks a bundle zip (see the package comment).
func Unpack(data []byte) (*Bundle, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("update: %w", err)
	}
	files := map[string][]byte{}
	budget := int64(MaxSize)
	for _, f := range zr.File {
		if _, dup := files[f.Name]; dup {
			return nil, fmt.Errorf("update: duplicate entry %q", f.Name)
		}
		switch f.Name {
		case pathManifest, pathRoot, pathVerity, pathUKI:
		default:
			return nil, fmt.Errorf("update: unexpected entry %q", f.Name)
		}
		if f.UncompressedSize64 > uint64(budget) {
			return nil, fmt.Errorf("update: %s: larger than %d bytes", f.Name, MaxSize)
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("update: %s: %w", f.Name, err)
		}
		b, err := io.ReadAll(io.LimitReader(rc, budget+1))
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("update: %s: %w", f.Name, err)
		}
		budget -= int64(len(b))
		if budget < 0 {
			return nil, fmt.Errorf("update: larger than %d bytes", MaxSize)
		}
		files[f.Name] = b
	}
	mb, ok := files[pathManifest]
	if !ok {
		return nil, fmt.Errorf("update: no %s", pathManifest)
	}
	var m manifest
	dec := json.NewDecoder(bytes.NewReader(mb))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("update: %s: %w", pathManifest, err)
	}
	if m.Version != manifestVersion {
		return nil, fmt.Errorf("update: manifest version %d, want %d", m.Version, manifestVersion)
	}
	for _, n := range []string{pathRoot, pathVerity, pathUKI} {
		d, ok := files[n]
		if !ok {
			return nil, fmt.Errorf("update: no %s", n)
		}
		s := sha256.Sum256(d)
		if got := hex.EncodeToString(s[:]); got != m.SHA256[n] {
			return nil, fmt.Errorf("update: %s: sha256 %s, manifest says %q", n, got, m.SHA256[n])
		}
	}
	if len(m.SHA256) != 3 {
		return nil, fmt.Errorf("update: the manifest hashes %d files, want 3", len(m.SHA256))
	}
	rh, err := hex.DecodeString(m.RootHash)
	if err != nil || len(rh) != sha256.Size {
		return nil, fmt.Errorf("update: root hash %q", m.RootHash)
	}
	b := &Bundle{ImageVersion: m.ImageVersion, Root: files[pathRoot], Verity: files[pathVerity], RootHash: rh, UKI: files[pathUKI]}
	if err := b.check(); err != nil {
		return nil, fmt.Errorf("update: %w", err)
	}
	return b, nil
}
