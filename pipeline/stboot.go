package pipeline

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/pem"
	"fmt"
	"path/filepath"
	"time"

	"manx/catalog"
	"manx/deploy/osserver"
	"manx/internal/buildenv"
	"manx/internal/gobuild"
	"manx/internal/stage"
	"manx/ospkg"
	"manx/ospkg/ospkgtest"
	"manx/sign"
	"manx/uki"
	"manx/userland/initramfs"
)

// stboot network boot: the signed Manx OS package, the stboot initramfs
// variants and the stboot UKIs the stboot profiles boot.
const (
	// OspkgCmdline is the command line of the kexec'd Manx.
	OspkgCmdline = "console=ttyS0 panic=-1"

	stbootCommand  = "manx/userland/cmd/stboot"
	stbootHostJSON = "etc/manx/stboot/host.json"
	stbootRootPEM  = "etc/manx/stboot/root.pem"
)

// stboot builds the OS packages, the stboot initramfs variants and the
// stboot UKIs.
func (p *Pipeline) stboot(ctx context.Context) error {
	if err := p.osPackages(ctx); err != nil {
		return err
	}
	if err := p.stbootInitramfs(ctx); err != nil {
		return err
	}
	return p.stbootUKIs(ctx)
}

// osPackages builds catalog.Ospkg (the kernel signed with the kexec key,
// the Go userland initramfs, OspkgCmdline; byte-reproducible), its
// descriptor signed by the stboot signer and the refusal-fixture
// descriptors of the same zip (see descriptors); and the kexec refusal
// fixtures: packages
// whose kernel is unsigned (catalog.OspkgKexecUnsigned) or signed by db
// alone (catalog.OspkgKexecDB), each properly signed by the stboot signer.
//
// Each zip is written before its descriptors are signed: when a replayed
// signature log lacks the descriptor's signature (the zip differs from the
// published one), verify still compares the zip and reports it as a
// mismatch instead of missing.
func (p *Pipeline) osPackages(ctx context.Context) error {
	if err := p.Build(ctx, catalog.GroupKernel, catalog.GroupInitramfs); err != nil {
		return err
	}
	if err := p.signedKernels(); err != nil {
		return err
	}
	ks, err := p.Keys()
	if err != nil {
		return err
	}
	st, err := p.Stamp(ctx, catalog.GroupStboot)
	if err != nil {
		return err
	}
	zip, err := p.osPackage(st, catalog.KernelSigned, catalog.Ospkg)
	if err != nil {
		return err
	}
	untrusted, err := ospkgtest.UntrustedSigner(st.Epoch)
	if err != nil {
		return err
	}
	rel := release(st)
	descs, err := descriptors(zip, rel, ks.StbootRoot, ks.StbootSigner, untrusted)
	if err != nil {
		return err
	}
	if err := p.write(descs...); err != nil {
		return err
	}
	for _, f := range []struct{ kernel, zip, desc catalog.Artefact }{
		{catalog.Kernel, catalog.OspkgKexecUnsigned, catalog.OspkgKexecUnsignedDescriptor},
		{catalog.KernelDBSigned, catalog.OspkgKexecDB, catalog.OspkgKexecDBDescriptor},
	} {
		zip, err := p.osPackage(st, f.kernel, f.zip)
		if err != nil {
			return err
		}
		d, err := descriptor(zip, f.desc, rel, ks.StbootSigner)
		if err != nil {
			return err
		}
		if err := p.write(d); err != nil {
			return err
		}
	}
	return nil
}

// osPackage packs the kernel artefact with the Go userland initramfs and
// OspkgCmdline, stamped st, and writes it as out.
func (p *Pipeline) osPackage(st buildenv.Stamp, kernel, out catalog.Artefact) ([]byte, error) {
	kb, err := p.read(kernel)
	if err != nil {
		return nil, err
	}
	ib, err := p.read(catalog.Initramfs)
	if err != nil {
		return nil, err
	}
	var zip bytes.Buffer
	c := ospkg.Contents{Label: release(st).Label, Kernel: kb, Initramfs: ib, Cmdline: OspkgCmdline}
	if err := ospkg.Pack(&zip, c, st.Epoch); err != nil {
		return nil, fmt.Errorf("%s: %w", out.Path, err)
	}
	return zip.Bytes(), p.write(output{out, zip.Bytes()})
}

// release is what the OS package descriptors of st's build sign: label
// "Manx <version>" (as the manifest's), pkg_version the stboot group's
// SOURCE_DATE_EPOCH in seconds (the last commit's time: it grows with every
// commit, so a later release never has a lower version; two builds of one
// commit share it), and no expiry.
func release(st buildenv.Stamp) ospkg.Release {
	return ospkg.Release{Label: "Manx " + st.Version, Version: uint64(st.Epoch.Unix())}
}

// expiredFor is how long before rel's build time catalog.OspkgExpired
// expired.
const expiredFor = 24 * time.Hour

// descriptors signs zip (release rel, built at rel.Version's epoch) five
// ways: by signer (catalog.OspkgDescriptor), by untrusted alone
// (catalog.OspkgUntrusted), by both (catalog.OspkgOneOfTwo); signer's
// descriptor with os_pkg_sha256 replaced by the digest of zip as
// osserver's Flip fault serves it (catalog.OspkgZipAltered: the digest
// matches what stboot receives, so only the signature over the original
// statement refuses it); and by signer with not_after expiredFor before the
// epoch (catalog.OspkgExpired); and with everything root alone can sign
// with (catalog.OspkgOneRoot).
func descriptors(zip []byte, rel ospkg.Release, root, signer, untrusted *sign.Static) ([]output, error) {
	expired := rel
	expired.NotAfter = time.Unix(int64(rel.Version), 0).UTC().Add(-expiredFor)
	var outs []output
	for _, d := range []struct {
		art     catalog.Artefact
		rel     ospkg.Release
		signers []sign.Signer
		edit    func(*ospkg.Descriptor)
	}{
		{catalog.OspkgDescriptor, rel, []sign.Signer{signer}, nil},
		{catalog.OspkgUntrusted, rel, []sign.Signer{untrusted}, nil},
		{catalog.OspkgOneOfTwo, rel, []sign.Signer{signer, untrusted}, nil},
		{catalog.OspkgZipAltered, rel, []sign.Signer{signer}, func(d *ospkg.Descriptor) {
			d.PkgSHA256 = fmt.Sprintf("%x", sha256.Sum256(osserver.Flipped(zip)))
		}},
		{catalog.OspkgExpired, expired, []sign.Signer{signer}, nil},
		{catalog.OspkgVersion1, versioned(rel, 1), []sign.Signer{signer}, nil},
		{catalog.OspkgVersion2, versioned(rel, 2), []sign.Signer{signer}, nil},
		{catalog.OspkgVersion3, versioned(rel, 3), []sign.Signer{signer}, nil},
	} {
		o, err := editedDescriptor(zip, d.art, d.rel, d.edit, d.signers...)
		if err != nil {
			return nil, err
		}
		outs = append(outs, o)
	}
	one, err := oneRootDescriptor(zip, rel, root, signer)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", catalog.OspkgOneRoot.Path, err)
	}
	b, err := one.Marshal()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", catalog.OspkgOneRoot.Path, err)
	}
	return append(outs, output{catalog.OspkgOneRoot, b}), nil
}

// versioned is rel as pkg_version v (the rollback profile's releases).
func versioned(rel ospkg.Release, v uint64) ospkg.Release {
	rel.Version = v
	rel.Label = fmt.Sprintf("%s (rollback fixture, version %d)", rel.Label, v)
	return rel
}

// oneRootDescriptor is zip's descriptor for rel signed with everything one
// root key holder can sign with alone: the root itself, the signer it
// issued, and the signer's key under a second certificate the root mints
// (ospkgtest.SecondCertificate; its signature is the signer's, Ed25519
// being deterministic). Under a threshold of 2 that is one valid
// signature: a root never counts as a signer, and a key counts once.
// (ospkg.Sign refuses to sign with one key twice; an attacker would not ask
// it.)
func oneRootDescriptor(zip []byte, rel ospkg.Release, root, signer *sign.Static) (*ospkg.Descriptor, error) {
	second, err := ospkgtest.SecondCertificate(root, signer, time.Unix(int64(rel.Version), 0))
	if err != nil {
		return nil, err
	}
	desc, err := ospkg.Sign(zip, osserver.PackageName, rel, []sign.Signer{root, signer})
	if err != nil {
		return nil, err
	}
	desc.Certificates = append(desc.Certificates, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: second.Raw}))
	desc.Signatures = append(desc.Signatures, bytes.Clone(desc.Signatures[1]))
	return desc, nil
}

// descriptor is art: zip's descriptor for rel signed by signers.
func descriptor(zip []byte, art catalog.Artefact, rel ospkg.Release, signers ...sign.Signer) (output, error) {
	return editedDescriptor(zip, art, rel, nil, signers...)
}

// editedDescriptor is descriptor changed by edit (if not nil) after
// signing.
func editedDescriptor(zip []byte, art catalog.Artefact, rel ospkg.Release, edit func(*ospkg.Descriptor), signers ...sign.Signer) (output, error) {
	desc, err := ospkg.Sign(zip, osserver.PackageName, rel, signers)
	if err != nil {
		return output{}, fmt.Errorf("%s: %w", art.Path, err)
	}
	if edit != nil {
		edit(desc)
	}
	b, err := desc.Marshal()
	if err != nil {
		return output{}, fmt.Errorf("%s: %w", art.Path, err)
	}
	return output{art, b}, nil
}

// stbootInitramfs builds catalog.StbootInitramfs (host.json with threshold
// 1) and catalog.StbootInitramfsThreshold2: Manx's init, /bin/stboot,
// host.json and the stboot root certificate. Its stage key is the Go
// userland's plus both host.json files and the root.
func (p *Pipeline) stbootInitramfs(ctx context.Context) error {
	ks, err := p.Keys()
	if err != nil {
		return err
	}
	root := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ks.StbootRoot.Certificate().Raw})
	variants := []struct {
		art       catalog.Artefact
		threshold int
		host      []byte
	}{{catalog.StbootInitramfs, 1, nil}, {catalog.StbootInitramfsThreshold2, 2, nil}}
	st, err := p.Stamp(ctx, catalog.GroupStboot)
	if err != nil {
		return err
	}
	k, err := p.inputsKey(ctx, catalog.GroupStboot, "stboot-initramfs", st)
	if err != nil {
		return err
	}
	k.Bytes("root.pem", root)
	var names []string
	for i := range variants {
		v := &variants[i]
		if v.host, err = osserver.HostConfig(p.Env.OspkgPort, v.threshold); err != nil {
			return err
		}
		k.Bytes(v.art.Path, v.host)
		names = append(names, v.art.Base())
	}
	key := k.Sum()
	dir := filepath.Join(p.Env.BuildDir, catalog.StbootInitramfs.Dir())
	if stage.Fresh(dir, key, names...) {
		return nil
	}
	if err := stage.Invalidate(dir); err != nil {
		return err
	}
	start := time.Now()
	p.Log.Info("Building the stboot initramfs variants (u-root as a library)", "variants", len(variants), "port", p.Env.OspkgPort)
	goBin, err := gobuild.Toolchain(ctx)
	if err != nil {
		return err
	}
	for _, v := range variants {
		err := initramfs.Build(ctx, initramfs.Options{
			Out: v.art.In(p.Env.BuildDir), Root: p.Env.Root, Epoch: st.Epoch, Version: st.Version, Logger: p.Log, Go: goBin,
			Commands: []string{stbootCommand}, Minimal: true,
			Files: map[string]initramfs.File{
				stbootHostJSON: {Data: v.host, Mode: 0o644},
				stbootRootPEM:  {Data: root, Mode: 0o644},
			},
		})
		if err != nil {
			return fmt.Errorf("stboot initramfs %s: %w", v.art.Path, err)
		}
	}
	if err := stage.Done(dir, key); err != nil {
		return err
	}
	p.Log.Info("Built the stboot initramfs variants", "elapsed", time.Since(start).Round(time.Second))
	return nil
}

// stbootUKIs builds catalog.StbootUKI (kernel, stboot initramfs,
// uki.StbootCmdline) and its db-signed copy.
func (p *Pipeline) stbootUKIs(ctx context.Context) error {
	unsigned, err := p.assembleUKI(ctx, catalog.GroupStboot, catalog.StbootInitramfs, uki.StbootCmdline)
	if err != nil {
		return fmt.Errorf("stboot UKI: %w", err)
	}
	if err := p.write(output{catalog.StbootUKI, unsigned}); err != nil {
		return err
	}
	signed, err := p.signDB(unsigned, "the stboot UKI")
	if err != nil {
		return err
	}
	return p.write(output{catalog.StbootUKISigned, signed})
}
