package app

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"manx/deploy/osserver"
	"manx/deploy/profile"
	"manx/deploy/qemu"
	"manx/internal/recipe"
	"manx/internal/stage"
	"manx/kernel"
	"manx/ospkg"
	"manx/uki"
	"manx/uki/sign"
	"manx/userland/initramfs"
	"manx/userland/stboot"
)

// Stboot network boot: the signed Manx OS package (build/ospkg), the stboot
// initramfs variants (build/stboot), the stboot UKI (build/uki) and the OS
// package server the stboot profiles boot against.
const (
	OspkgZip        = "ospkg/manx.zip"
	OspkgDescriptor = "ospkg/manx.json"
	// OspkgUntrusted is signed only by a signer outside the stboot trust
	// root (untrustedSigner).
	OspkgUntrusted = "ospkg/manx-untrusted.json"
	// OspkgOneOfTwo carries two signatures, one valid (the stboot signer)
	// and one untrusted: one valid signature where a policy wants two.
	OspkgOneOfTwo = "ospkg/manx-one-of-two.json"
	// OspkgURL is the descriptor's os_pkg_url, relative to the descriptor.
	OspkgURL = "manx.zip"
	// OspkgCmdline is the command line of the kexec'd Manx.
	OspkgCmdline = "console=ttyS0 panic=-1"

	StbootUKIUnsigned = "uki/stboot.efi"
	StbootUKISigned   = "uki/" + profile.UKIStbootSigned
	// StbootCmdline is the stboot UKI's signed command line: lockdown on,
	// so kexec_file_load accepts only a kernel signed with a db key.
	StbootCmdline = "console=ttyS0 panic=-1 manx.stboot=1 lockdown=integrity"

	// DefaultOspkgPort is the OS package server's port on 127.0.0.1
	// (10.0.2.2 in the guest). It is fixed because host.json, inside the
	// stboot initramfs, names it; MANX_OSPKG_PORT overrides it (and so
	// changes the initramfs).
	DefaultOspkgPort = 18480

	stbootCommand   = "manx/userland/cmd/stboot"
	stbootHostJSON  = "etc/manx/stboot/host.json"
	stbootRootPEM   = "etc/manx/stboot/root.pem"
	untrustedSeed   = "manx stboot untrusted test signer v1" // public on purpose: this key must be trusted by nothing
	untrustedSerial = 1
)

// OspkgPort is the OS package server's port: MANX_OSPKG_PORT or
// DefaultOspkgPort.
func OspkgPort() (int, error) {
	s := os.Getenv("MANX_OSPKG_PORT")
	if s == "" {
		return DefaultOspkgPort, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 65535 {
		return 0, fmt.Errorf("MANX_OSPKG_PORT=%q: want a TCP port 1..65535", s)
	}
	return n, nil
}

// BuildOspkg builds the OS packages and reports them.
func (a *App) BuildOspkg(ctx context.Context) error {
	arts, err := a.OSPackages(ctx)
	for _, x := range arts {
		a.Report(x.Path, x.SHA256)
	}
	return err
}

// BuildStboot builds everything the stboot profiles boot and reports it.
func (a *App) BuildStboot(ctx context.Context) error {
	arts, err := a.Stboot(ctx)
	for _, x := range arts {
		a.Report(x.Path, x.SHA256)
	}
	return err
}

// Stboot builds the OS packages, the stboot initramfs variants and the
// stboot UKIs.
func (a *App) Stboot(ctx context.Context) ([]recipe.Artefact, error) {
	pkgs, err := a.OSPackages(ctx)
	if err != nil {
		return pkgs, err
	}
	irds, err := a.StbootInitramfs(ctx)
	all := append(pkgs, irds...)
	if err != nil {
		return all, err
	}
	ukis, err := a.StbootUKIs(ctx)
	return append(all, ukis...), err
}

// OSPackages builds build/ospkg: manx.zip (the db-signed kernel, the Go
// userland initramfs, OspkgCmdline; byte-reproducible), manx.json (signed
// by the stboot signer) and the two negative-test descriptors of the same
// zip, OspkgUntrusted and OspkgOneOfTwo.
func (a *App) OSPackages(ctx context.Context) ([]recipe.Artefact, error) {
	if _, err := a.SignedKernel(ctx); err != nil {
		return nil, err
	}
	ird, err := a.Initramfs(ctx)
	if err != nil {
		return nil, err
	}
	kb, err := os.ReadFile(a.Env.Path(KernelSigned))
	if err != nil {
		return nil, err
	}
	ib, err := os.ReadFile(ird.Path)
	if err != nil {
		return nil, err
	}
	ks, err := a.Keys()
	if err != nil {
		return nil, err
	}
	var zip bytes.Buffer
	c := ospkg.Contents{Label: "Manx " + a.Env.Version, Kernel: kb, Initramfs: ib, Cmdline: OspkgCmdline}
	if err := ospkg.Pack(&zip, c, a.Env.Epoch); err != nil {
		return nil, err
	}
	// The zip is written before its descriptors are signed: when a
	// replayed signature log lacks the descriptor's signature (the zip
	// differs from the published one), verify still compares the zip and
	// reports it as a mismatch instead of missing.
	arts, err := a.writeOutputs([]output{{OspkgZip, zip.Bytes()}})
	if err != nil {
		return arts, err
	}
	untrusted, err := untrustedSigner(a.Env.Epoch)
	if err != nil {
		return arts, err
	}
	descs, err := ospkgDescriptors(zip.Bytes(), ks.StbootSigner, untrusted)
	if err != nil {
		return arts, err
	}
	more, err := a.writeOutputs(descs)
	return append(arts, more...), err
}

// ospkgDescriptors signs zip three ways: by signer (OspkgDescriptor), by
// untrusted alone (OspkgUntrusted) and by both (OspkgOneOfTwo).
func ospkgDescriptors(zip []byte, signer, untrusted sign.Signer) ([]output, error) {
	var outs []output
	for _, d := range []struct {
		rel     string
		signers []sign.Signer
	}{
		{OspkgDescriptor, []sign.Signer{signer}},
		{OspkgUntrusted, []sign.Signer{untrusted}},
		{OspkgOneOfTwo, []sign.Signer{signer, untrusted}},
	} {
		desc, err := ospkg.Sign(zip, OspkgURL, d.signers)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", d.rel, err)
		}
		b, err := desc.Marshal()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", d.rel, err)
		}
		outs = append(outs, output{d.rel, b})
	}
	return outs, nil
}

// untrustedSigner returns an Ed25519 CA and a signer certificate it issued,
// both derived from untrustedSeed (public) and t, so they are reproducible
// and chain to nothing Manx trusts.
func untrustedSigner(t time.Time) (*sign.Static, error) {
	derive := func(role string) ed25519.PrivateKey {
		seed := sha256.Sum256([]byte(untrustedSeed + ": " + role))
		return ed25519.NewKeyFromSeed(seed[:])
	}
	caKey, key := derive("root"), derive("signer")
	tmpl := func(cn string, ca bool) *x509.Certificate {
		ku := x509.KeyUsageDigitalSignature
		if ca {
			ku |= x509.KeyUsageCertSign
		}
		return &x509.Certificate{
			SerialNumber:          big.NewInt(untrustedSerial),
			Subject:               pkix.Name{CommonName: cn},
			NotBefore:             t.UTC().Truncate(time.Second),
			NotAfter:              time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC),
			KeyUsage:              ku,
			BasicConstraintsValid: true,
			IsCA:                  ca,
		}
	}
	// Ed25519 signatures take no randomness; noRandom makes any other use
	// an error instead of a silently different certificate.
	caTmpl := tmpl("Manx untrusted stboot root (test key from a public seed)", true)
	caDER, err := x509.CreateCertificate(noRandom{}, caTmpl, caTmpl, caKey.Public(), caKey)
	if err != nil {
		return nil, fmt.Errorf("untrusted stboot root: %w", err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, fmt.Errorf("untrusted stboot root: %w", err)
	}
	der, err := x509.CreateCertificate(noRandom{}, tmpl("Manx untrusted stboot signer (test key from a public seed)", false), ca, key.Public(), caKey)
	if err != nil {
		return nil, fmt.Errorf("untrusted stboot signer: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("untrusted stboot signer: %w", err)
	}
	return sign.NewStatic(key, cert)
}

type noRandom struct{}

func (noRandom) Read([]byte) (int, error) {
	return 0, errors.New("no randomness: the untrusted test keys are derived from a public seed")
}

// stbootHostConfig is host.json for the stboot initramfs: the OS package
// server on the host's loopback, as QEMU user networking shows it to the
// guest, and deadlines short enough for TCG checks.
//
// The network comes from DHCP (QEMU's slirp server), with no static
// fallback, so the boot checks show DHCP working. The DHCP client needs
// random transaction IDs and getrandom(2) blocks until the CRNG is ready: a
// TCG guest has no RDRAND, so the stboot profiles give it virtio-rng
// (CONFIG_HW_RANDOM_VIRTIO); without it the CRNG took two minutes.
func stbootHostConfig(port, threshold int) ([]byte, error) {
	hc := stboot.DefaultHostConfig()
	hc.DescriptorURL = fmt.Sprintf("http://%s:%d/manx.json", osserver.GuestHost, port)
	hc.NetworkMode = stboot.ModeDHCP
	hc.Address, hc.Gateway = "", "" // no static fallback: the check proves DHCP
	hc.SignatureThreshold = threshold
	hc.RequestTimeout = stboot.Duration(20 * time.Second)
	hc.Deadline = stboot.Duration(90 * time.Second)
	hc.RetryMax = 4
	hc.RetryWaitMin = stboot.Duration(500 * time.Millisecond)
	hc.RetryWaitMax = stboot.Duration(4 * time.Second)
	if err := hc.Validate(); err != nil {
		return nil, err
	}
	b, err := json.MarshalIndent(hc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encoding host.json: %w", err)
	}
	return append(b, '\n'), nil
}

// StbootInitramfs builds the stboot initramfs (host.json with threshold 1)
// and its threshold-2 variant: Manx's init, /bin/stboot, host.json and the
// stboot root certificate. Its stage key is the Go userland's plus both
// host.json files and the root.
func (a *App) StbootInitramfs(ctx context.Context) ([]recipe.Artefact, error) {
	port, err := OspkgPort()
	if err != nil {
		return nil, err
	}
	ks, err := a.Keys()
	if err != nil {
		return nil, err
	}
	root := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ks.StbootRoot.Certificate().Raw})
	variants := []struct {
		rel       string
		threshold int
		host      []byte
	}{{profile.StbootInitramfs, 1, nil}, {profile.StbootInitramfsThreshold2, 2, nil}}
	k, err := a.goSourcesKey(ctx, "stboot-initramfs")
	if err != nil {
		return nil, err
	}
	k.Bytes("root.pem", root)
	var names []string
	for i := range variants {
		v := &variants[i]
		if v.host, err = stbootHostConfig(port, v.threshold); err != nil {
			return nil, err
		}
		k.Bytes(v.rel, v.host)
		names = append(names, filepath.Base(v.rel))
	}
	key := k.Sum()
	dir := a.Env.Path(filepath.Dir(profile.StbootInitramfs))
	if !stage.Fresh(dir, key, names...) {
		if err := stage.Invalidate(dir); err != nil {
			return nil, err
		}
		start := time.Now()
		a.Log.Info("Building the stboot initramfs variants (u-root as a library)", "variants", len(variants), "port", port)
		for _, v := range variants {
			err := initramfs.Build(ctx, initramfs.Options{
				Out: a.Env.Path(v.rel), Root: a.Env.Root, Epoch: a.Env.Epoch, Version: a.Env.Version, Logger: a.Log,
				Commands: []string{stbootCommand},
				Files: map[string]initramfs.File{
					stbootHostJSON: {Data: v.host, Mode: 0o644},
					stbootRootPEM:  {Data: root, Mode: 0o644},
				},
			})
			if err != nil {
				return nil, fmt.Errorf("stboot initramfs %s: %w", v.rel, err)
			}
		}
		if err := stage.Done(dir, key); err != nil {
			return nil, err
		}
		a.Log.Info("Built the stboot initramfs variants", "elapsed", time.Since(start).Round(time.Second))
	}
	var arts []recipe.Artefact
	for _, v := range variants {
		x, err := recipe.Describe(a.Env.Path(v.rel))
		if err != nil {
			return nil, err
		}
		arts = append(arts, x)
	}
	return arts, nil
}

// goSourcesKey starts a stage key over every Go source of the module,
// go.mod/go.sum, the Go version, the epoch and the version string: the
// inputs of anything built with u-root from this module.
func (a *App) goSourcesKey(ctx context.Context, name string) (*stage.Key, error) {
	goVersion, err := exec.CommandContext(ctx, "go", "env", "GOVERSION").Output()
	if err != nil {
		return nil, fmt.Errorf("go env GOVERSION: %w", err)
	}
	k := stage.NewKey(name).String("go", strings.TrimSpace(string(goVersion))).
		String("epoch", fmt.Sprint(a.Env.Epoch.Unix())).String("version", a.Env.Version)
	if err := k.Tree(a.Env.Root, ".go", "go.mod", "go.sum"); err != nil {
		return nil, err
	}
	return k, nil
}

// StbootUKIs builds the stboot UKI (kernel, stboot initramfs, StbootCmdline)
// and its db-signed copy.
func (a *App) StbootUKIs(ctx context.Context) ([]recipe.Artefact, error) {
	k, err := a.Kernel(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := a.StbootInitramfs(ctx); err != nil {
		return nil, err
	}
	kb, err := os.ReadFile(k.Path)
	if err != nil {
		return nil, err
	}
	ib, err := os.ReadFile(a.Env.Path(profile.StbootInitramfs))
	if err != nil {
		return nil, err
	}
	ks, err := a.Keys()
	if err != nil {
		return nil, err
	}
	unsigned, err := a.assembleUKI(ctx, kb, ib, StbootCmdline)
	if err != nil {
		return nil, fmt.Errorf("stboot UKI: %w", err)
	}
	arts, err := a.writeOutputs([]output{{StbootUKIUnsigned, unsigned}})
	if err != nil {
		return arts, err
	}
	signed, err := sign.SignPE(unsigned, ks.DB)
	if err != nil {
		return arts, fmt.Errorf("signing the stboot UKI: %w", err)
	}
	more, err := a.writeOutputs([]output{{StbootUKISigned, signed}})
	return append(arts, more...), err
}

// assembleUKI assembles an unsigned UKI on the pinned systemd-stub with
// Manx's os-release and kernel release.
func (a *App) assembleUKI(ctx context.Context, linux, initrd []byte, cmdline string) ([]byte, error) {
	stub, err := a.Stub(ctx)
	if err != nil {
		return nil, err
	}
	p, err := a.Pins.Get(kernel.PinName)
	if err != nil {
		return nil, err
	}
	unsigned, err := uki.Assemble(uki.Spec{
		Stub: stub, Linux: linux, Initrd: initrd, Cmdline: cmdline,
		OSRelease: fmt.Sprintf("NAME=\"Manx\"\nID=manx\nVERSION_ID=%s\nPRETTY_NAME=\"Manx %s\"\n", a.Env.Version, a.Env.Version),
		Uname:     p.Version, Time: a.Env.Epoch,
	})
	if err != nil {
		return nil, fmt.Errorf("assembling the UKI: %w", err)
	}
	return unsigned, nil
}

// output is a file to write under the build directory.
type output struct {
	rel  string
	data []byte
}

// writeOutputs writes each output whose file differs (so unchanged files
// keep their mtime) and describes them all.
func (a *App) writeOutputs(outs []output) ([]recipe.Artefact, error) {
	var arts []recipe.Artefact
	for _, f := range outs {
		path := a.Env.Path(f.rel)
		if old, err := os.ReadFile(path); err != nil || !bytes.Equal(old, f.data) {
			if err := stage.WriteFileAtomic(path, f.data, 0o644); err != nil {
				return arts, err
			}
		}
		x, err := recipe.Describe(path)
		if err != nil {
			return arts, err
		}
		arts = append(arts, x)
	}
	return arts, nil
}

// needsStboot reports whether p boots stboot artefacts.
func needsStboot(p profile.Profile) bool {
	return p.Serve != "" || p.UKI == profile.UKIStbootSigned ||
		p.InitramfsFile == profile.StbootInitramfs || p.InitramfsFile == profile.StbootInitramfsThreshold2
}

// stbootInputs builds what a stboot profile boots and points in at its
// initramfs; inputs calls it last.
func (a *App) stbootInputs(ctx context.Context, p profile.Profile, in *qemu.Inputs) error {
	if !needsStboot(p) {
		return nil
	}
	if _, err := a.Stboot(ctx); err != nil {
		return err
	}
	if p.InitramfsFile != "" {
		in.Initramfs = a.Env.Path(p.InitramfsFile)
	}
	return nil
}

// scenario is what an OS package server scenario serves and how it
// misbehaves.
type scenario struct {
	descriptor string // served as /manx.json, next to OspkgZip as /manx.zip
	faults     osserver.Faults
}

// scenarios implements profile.ServeScenarios.
var scenarios = map[string]scenario{
	profile.ServeOK:        {descriptor: OspkgDescriptor},
	profile.ServeZipFlip:   {descriptor: OspkgDescriptor, faults: osserver.Faults{Paths: map[string]osserver.Fault{"/manx.zip": {Flip: true}}}},
	profile.ServeUntrusted: {descriptor: OspkgUntrusted},
	profile.ServeOneOfTwo:  {descriptor: OspkgOneOfTwo},
	profile.ServeRetry:     {descriptor: OspkgDescriptor, faults: osserver.Faults{Paths: map[string]osserver.Fault{"/manx.json": {Times: 2, Status: 503}}}},
	profile.ServeDown:      {descriptor: OspkgDescriptor, faults: osserver.Faults{Down: true}},
}

// serveOSPackages is run.Options.Serve: for a profile with a server
// scenario it serves the scenario's descriptor as /manx.json and the zip as
// /manx.zip on 127.0.0.1:OspkgPort, with the scenario's faults, until stop.
func (a *App) serveOSPackages(p profile.Profile) (stop func(), err error) {
	if p.Serve == "" {
		return func() {}, nil
	}
	sc, ok := scenarios[p.Serve]
	if !ok {
		return nil, fmt.Errorf("no OS package server scenario %q", p.Serve)
	}
	port, err := OspkgPort()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "manx-ospkg-")
	if err != nil {
		return nil, err
	}
	for _, f := range []struct{ src, name string }{{OspkgZip, "manx.zip"}, {sc.descriptor, "manx.json"}} {
		if err := stage.CopyFileAtomic(a.Env.Path(f.src), filepath.Join(dir, f.name), 0o644); err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("OS package server scenario %s: %w", p.Serve, err)
		}
	}
	log := a.Log.With("profile", p.ID, "scenario", p.Serve)
	srv, err := osserver.StartAddr(fmt.Sprintf("127.0.0.1:%d", port), dir, sc.faults, log)
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("OS package server on port %d (MANX_OSPKG_PORT): %w", port, err)
	}
	return func() {
		if err := srv.Close(); err != nil {
			log.Warn("Stopping the OS package server", "err", err)
		}
		log.Info("OS package server stopped", "requests", len(srv.Requests()))
		os.RemoveAll(dir)
	}, nil
}
