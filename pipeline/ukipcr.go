package pipeline

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rsa"
	"fmt"

	"github.com/u-root/u-root/pkg/cpio"

	"manx/catalog"
	"manx/tpm/eventlog"
	"manx/tpm/pcr"
	"manx/tpm/pcrsig"
	"manx/tpm/pcrsig/pcrsigtest"
	"manx/uki"
)

// PCRPolicyPhases are the boot phase paths a UKI's .pcrsig signs PCR 11
// for, as ukify signs systemd's: after init's "enter-initrd" extend (when
// init unseals) and after "ready" (a secret the running system may
// unseal). Before enter-initrd and after any other extend, nothing holds.
var PCRPolicyPhases = [][]string{{"enter-initrd"}, {"enter-initrd", "ready"}}

// UpdateMarkerFile is the file the updated UKI's initramfs gains (so its
// PCR 11 differs from the first UKI's).
const UpdateMarkerFile = "etc/manx/update"

// pcrUKIs builds the db-signed UKIs with a signed PCR policy: Manx's
// (catalog.UKIPCRSigned), an update with a different initramfs signed by
// the same PCR policy key (catalog.UKIPCRUpdated) and one whose .pcrsig
// another key made (catalog.UKIPCROtherKey). Each carries the PCR policy
// key's .pcrpkey.
func (p *Pipeline) pcrUKIs(ctx context.Context) error {
	ks, err := p.Keys()
	if err != nil {
		return err
	}
	pub, ok := ks.PCRPolicy.Certificate().PublicKey.(*rsa.PublicKey)
	if !ok {
		return fmt.Errorf("the PCR policy key is not RSA")
	}
	pkey, err := pcrsig.PublicKeyPEM(pub)
	if err != nil {
		return err
	}
	// The other key is a refusal fixture: a public test key, so the
	// fixture is reproducible and its db signature replays from the log.
	other, err := pcrsigtest.OtherKey()
	if err != nil {
		return err
	}
	ib, err := p.read(catalog.Initramfs)
	if err != nil {
		return err
	}
	updated, err := withFile(ib, UpdateMarkerFile, []byte("Manx update fixture: this initramfs differs from the first\n"))
	if err != nil {
		return err
	}
	linux, err := p.read(catalog.Kernel)
	if err != nil {
		return err
	}
	for _, v := range []struct {
		art    catalog.Artefact
		initrd []byte
		signer crypto.Signer
	}{
		{catalog.UKIPCRSigned, ib, ks.PCRPolicy.Signer()},
		{catalog.UKIPCRUpdated, updated, ks.PCRPolicy.Signer()},
		{catalog.UKIPCROtherKey, ib, other},
	} {
		prof, err := p.ukiProfile(ctx, catalog.GroupUKI, uki.Cmdline)
		if err != nil {
			return err
		}
		prof.PCRPKey = pkey
		unsigned, err := prof.Assemble(linux, v.initrd)
		if err != nil {
			return err
		}
		if prof.PCRSig, err = signPCRPolicy(unsigned, v.signer); err != nil {
			return fmt.Errorf("%s: %w", v.art.Path, err)
		}
		full, err := prof.Assemble(linux, v.initrd)
		if err != nil {
			return err
		}
		signed, err := p.signDB(full, v.art.Name)
		if err != nil {
			return err
		}
		if err := p.write(output{v.art, signed}); err != nil {
			return err
		}
	}
	return nil
}

// signPCRPolicy predicts PCR 11 of the UKI u for each PCRPolicyPhases path
// and signs the values with key (.pcrsig).
func signPCRPolicy(u []byte, key crypto.Signer) ([]byte, error) {
	sum, err := pcr.ReadUKI(u, eventlog.SHA256)
	if err != nil {
		return nil, err
	}
	var values [][]byte
	for _, phases := range PCRPolicyPhases {
		evs, err := pcr.Predict11(pcr.Inputs{UKI: sum, Phases: phases})
		if err != nil {
			return nil, err
		}
		v, err := pcr.Replay(evs, []eventlog.Alg{eventlog.SHA256})
		if err != nil {
			return nil, err
		}
		values = append(values, v[11][eventlog.SHA256])
	}
	return pcrsig.Sign(key, "sha256", values)
}

// withFile appends to the initrd ib (padded to 4 bytes) an uncompressed
// newc archive holding one file: the kernel unpacks both.
func withFile(ib []byte, name string, content []byte) ([]byte, error) {
	var b bytes.Buffer
	b.Write(ib)
	for b.Len()%4 != 0 {
		b.WriteByte(0)
	}
	w := cpio.Newc.Writer(&b)
	recs := []cpio.Record{cpio.Directory("etc", 0o755), cpio.Directory("etc/manx", 0o755), cpio.StaticFile(name, string(content), 0o644)}
	for _, r := range recs {
		r.MTime = 0
		if err := w.WriteRecord(r); err != nil {
			return nil, err
		}
	}
	if err := cpio.WriteTrailer(w); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
