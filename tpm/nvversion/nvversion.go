// Package nvversion keeps stboot's rollback state in a TPM NV index: the
// highest OS package pkg_version this machine has booted, 8 bytes
// big-endian in an ordinary owner-authorised index (Index) with
// TPMA_NV_WRITE_STCLEAR. stboot reads it, refuses lower versions, raises
// it before the kexec and then write-locks it (TPM2_NV_WriteLock): until
// the TPM's next reset, the next boot, nothing can write it, so the
// kexec'd OS cannot lower it. It implements manx/userland/stboot's
// VersionStore.
//
// What it does not stop: a holder of the owner authorisation (empty on
// swtpm and on a cleared TPM) may undefine the index and define it again,
// at version 0, from the running OS. Setting an owner password (or
// defining the index under the platform hierarchy, which only firmware
// holds) closes that; Manx does neither yet (docs/LIMITATIONS.md).
package nvversion

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/google/go-tpm/tpm2"
	"github.com/google/go-tpm/tpm2/transport"
)

// Index is the NV index handle, in the owner range ("MX" 0x4d58).
const Index tpm2.TPMHandle = 0x01c04d58

const size = 8

// Store is the rollback state in a TPM.
type Store struct {
	TPM transport.TPM
}

// attributes are the index's: owner-authorised reads and writes, no
// dictionary-attack lockout, write-lockable until the next TPM reset.
var attributes = tpm2.TPMANV{
	OwnerWrite:   true,
	OwnerRead:    true,
	NoDA:         true,
	WriteSTClear: true,
	NT:           tpm2.TPMNTOrdinary,
}

func owner() tpm2.AuthHandle {
	return tpm2.AuthHandle{Handle: tpm2.TPMRHOwner, Auth: tpm2.PasswordAuth(nil)}
}

// name returns the index's name, or ok false if it is not defined.
func (s Store) name() (tpm2.TPM2BName, bool, error) {
	rsp, err := tpm2.NVReadPublic{NVIndex: Index}.Execute(s.TPM)
	if errors.Is(err, tpm2.TPMRCHandle) {
		return tpm2.TPM2BName{}, false, nil
	}
	if err != nil {
		return tpm2.TPM2BName{}, false, fmt.Errorf("rollback state: reading NV index %#x: %w", uint32(Index), err)
	}
	pub, err := rsp.NVPublic.Contents()
	if err != nil {
		return tpm2.TPM2BName{}, false, fmt.Errorf("rollback state: NV index %#x: %w", uint32(Index), err)
	}
	a := pub.Attributes
	// The TPM's state bits (written, locked) vary; the rest is Manx's.
	a.WriteLocked, a.Written, a.ReadLocked = false, false, false
	if pub.DataSize != size || a != attributes {
		return tpm2.TPM2BName{}, false, fmt.Errorf("rollback state: NV index %#x has size %d and attributes %+v, not Manx's: refusing to trust it", uint32(Index), pub.DataSize, pub.Attributes)
	}
	return rsp.NVName, true, nil
}

// Highest implements stboot.VersionStore: 0 when the index is not defined
// yet (this machine has booted no package under it).
func (s Store) Highest() (uint64, error) {
	n, ok, err := s.name()
	if err != nil || !ok {
		return 0, err
	}
	rsp, err := tpm2.NVRead{AuthHandle: owner(), NVIndex: tpm2.NamedHandle{Handle: Index, Name: n}, Size: size}.Execute(s.TPM)
	if errors.Is(err, tpm2.TPMRCNVUninitialized) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("rollback state: reading NV index %#x: %w", uint32(Index), err)
	}
	if len(rsp.Data.Buffer) != size {
		return 0, fmt.Errorf("rollback state: NV index %#x gave %d bytes", uint32(Index), len(rsp.Data.Buffer))
	}
	return binary.BigEndian.Uint64(rsp.Data.Buffer), nil
}

// Record implements stboot.VersionStore: it raises the stored version to
// v (defining the index on first use; a lower v leaves it), then
// write-locks the index until the next TPM reset.
func (s Store) Record(v uint64) error {
	n, ok, err := s.name()
	if err != nil {
		return err
	}
	if !ok {
		def := tpm2.NVDefineSpace{AuthHandle: owner(), PublicInfo: tpm2.New2B(tpm2.TPMSNVPublic{
			NVIndex: Index, NameAlg: tpm2.TPMAlgSHA256, Attributes: attributes, DataSize: size,
		})}
		if _, err := def.Execute(s.TPM); err != nil {
			return fmt.Errorf("rollback state: defining NV index %#x: %w", uint32(Index), err)
		}
		if n, _, err = s.name(); err != nil {
			return err
		}
	}
	cur, err := s.Highest()
	if err != nil {
		return err
	}
	h := tpm2.NamedHandle{Handle: Index, Name: n}
	if v > cur {
		buf := binary.BigEndian.AppendUint64(nil, v)
		if _, err := (tpm2.NVWrite{AuthHandle: owner(), NVIndex: h, Data: tpm2.TPM2BMaxNVBuffer{Buffer: buf}}).Execute(s.TPM); err != nil {
			return fmt.Errorf("rollback state: writing version %d to NV index %#x: %w", v, uint32(Index), err)
		}
	}
	if _, err := (tpm2.NVWriteLock{AuthHandle: owner(), NVIndex: h}).Execute(s.TPM); err != nil {
		return fmt.Errorf("rollback state: write-locking NV index %#x: %w", uint32(Index), err)
	}
	return nil
}
