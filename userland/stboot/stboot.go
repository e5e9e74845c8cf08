package stboot

import (
	"cmp"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"time"

	"manx/ospkg"
)

// Options are Run's inputs. Network and Kexec are interfaces so tests run
// the whole flow against httptest servers with a fake kexec.
type Options struct {
	ConfigPath string            // host.json; "" means DefaultConfigPath
	TmpDir     string            // tmpfs for the extracted kernel and initramfs; "" means /tmp
	Console    io.Writer         // marker and failure lines; required
	Logger     *slog.Logger      // details, also retryablehttp's logger; nil discards
	Network    Network           // required
	Kexec      Kexec             // required
	Now        func() time.Time  // certificate validity time; nil: validity periods not checked
	Transport  http.RoundTripper // nil: a fresh transport without proxies
	DryRun     bool              // stop after extracting: print "stboot: dry run …", load nothing, return nil
	// Versions is the rollback state: the highest pkg_version this machine
	// has booted. Run refuses a lower one and records the booted version
	// right before the kexec. nil means no rollback state (any signed
	// version boots); see VersionStore.
	Versions VersionStore
}

// Run fetches, verifies and kexecs the OS package named by the host
// configuration, all under the configuration's total deadline. It prints
// MarkerFetched, MarkerVerified and MarkerKexec as it goes; on failure it
// prints "stboot: FAIL <step>: <reason>" and returns an *Error. It never
// loads a kernel that ospkg.Verify has not accepted. On a real system a
// successful Run does not return (the kexec reboot replaces the kernel);
// with a Kexec whose Exec returns nil, Run returns nil.
func Run(ctx context.Context, o Options) error {
	if o.Console == nil || o.Network == nil || o.Kexec == nil {
		return &Error{Step: StepConfig, Err: errors.New("stboot: Options need Console, Network and Kexec"), Then: DefaultHostConfig().failure()}
	}
	con := &console{w: o.Console}
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	then := DefaultHostConfig().failure()
	fail := func(step string, err error) error {
		con.fail(step, err)
		log.Error("stboot failed", "step", step, "err", err)
		return &Error{Step: step, Err: err, Then: then}
	}

	hc, policy, err := loadConfig(cmp.Or(o.ConfigPath, DefaultConfigPath))
	if err != nil {
		return fail(StepConfig, err)
	}
	then = hc.failure()
	if o.Now != nil {
		policy.Time = o.Now()
	}
	ctx, cancel := context.WithTimeout(ctx, time.Duration(hc.Deadline))
	defer cancel()
	deadline := func(err error) error {
		switch cerr := ctx.Err(); {
		case cerr == nil:
			return err
		case errors.Is(err, cerr):
			return fmt.Errorf("%w (deadline %v)", err, time.Duration(hc.Deadline))
		default:
			return fmt.Errorf("%w (total deadline %v: %w)", err, time.Duration(hc.Deadline), cerr)
		}
	}

	desc, err := o.Network.Up(ctx, NetConfig{
		Interface: hc.Interface, Mode: hc.NetworkMode, DHCPTimeout: hc.DHCPTimeout,
		Address: hc.Address, Gateway: hc.Gateway,
	})
	if err != nil {
		return fail(StepNetwork, deadline(err))
	}
	con.printf("network %s", desc)

	transport := o.Transport
	if transport == nil {
		t := newTransport(time.Duration(hc.RequestTimeout))
		defer t.CloseIdleConnections()
		transport = t
	}
	f := &fetcher{
		client:   &http.Client{Transport: transport, Timeout: time.Duration(hc.RequestTimeout)},
		retryMax: hc.RetryMax,
		waitMin:  time.Duration(hc.RetryWaitMin),
		waitMax:  time.Duration(hc.RetryWaitMax),
		log:      log,
		con:      con,
	}
	descBytes, err := f.get(ctx, hc.DescriptorURL, min(hc.SizeCap, ospkg.MaxDescriptorSize))
	if err != nil {
		return fail(StepFetch, deadline(fmt.Errorf("descriptor: %w", err)))
	}
	d, err := ospkg.ParseDescriptor(descBytes)
	if err != nil {
		return fail(StepDescriptor, fmt.Errorf("%s: %w", hc.DescriptorURL, err))
	}
	zipURL, err := resolvePkgURL(hc.DescriptorURL, d.PkgURL)
	if err != nil {
		return fail(StepDescriptor, err)
	}
	zip, err := f.get(ctx, zipURL, hc.SizeCap)
	if err != nil {
		return fail(StepFetch, deadline(fmt.Errorf("OS package: %w", err)))
	}
	con.line(MarkerFetched)
	log.Info("Fetched OS package", "descriptor", hc.DescriptorURL, "zip", zipURL,
		"zip_bytes", len(zip), "zip_sha256", fmt.Sprintf("%x", sha256.Sum256(zip)))

	if o.Versions != nil {
		h, err := o.Versions.Highest()
		if err != nil {
			return fail(StepRollback, fmt.Errorf("reading the highest booted version: %w", err))
		}
		policy.MinVersion = h
	}
	c, st, err := ospkg.Verify(d, zip, policy)
	if re := (*ospkg.RollbackError)(nil); errors.As(err, &re) {
		return fail(StepRollback, reasonError{re.Reason(), err})
	}
	if err != nil {
		return fail(StepVerify, err)
	}
	con.line(MarkerVerified)
	notAfter := "none"
	if !st.NotAfter.IsZero() {
		notAfter = st.NotAfter.UTC().Format(time.RFC3339)
	}
	con.printf("OS package %q pkg_version %d, not_after %s: kernel %d bytes, initramfs %d bytes, cmdline %q",
		st.Label, st.PkgVersion, notAfter, len(c.Kernel), len(c.Initramfs), c.Cmdline)

	if err := ctx.Err(); err != nil {
		return fail(StepExtract, deadline(err))
	}
	e, err := extract(cmp.Or(o.TmpDir, "/tmp"), c)
	if err != nil {
		return fail(StepExtract, err)
	}
	defer os.RemoveAll(e.dir) // reached only if the kexec reboot does not happen
	if o.DryRun {
		con.printf("dry run, not loading %s (initramfs %q, cmdline %q)", e.kernel, e.initramfs, c.Cmdline)
		return nil
	}
	if err := ctx.Err(); err != nil {
		return fail(StepLoad, deadline(err))
	}
	if err := e.load(o.Kexec, c.Cmdline); err != nil {
		return fail(StepLoad, fmt.Errorf("kexec_file_load of %q: %w", st.Label, err))
	}
	if o.Versions != nil {
		if err := o.Versions.Record(st.PkgVersion); err != nil {
			return fail(StepRollback, fmt.Errorf("recording pkg_version %d as booted: %w", st.PkgVersion, err))
		}
	}
	con.line(MarkerKexec)
	if err := o.Kexec.Exec(); err != nil {
		return fail(StepKexec, err)
	}
	return nil
}

// loadConfig reads host.json and the trust root it names.
func loadConfig(path string) (*HostConfig, ospkg.TrustPolicy, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, ospkg.TrustPolicy{}, fmt.Errorf("reading host config: %w", err)
	}
	hc, err := ParseHostConfig(b)
	if err != nil {
		return nil, ospkg.TrustPolicy{}, fmt.Errorf("%s: %w", path, err)
	}
	rb, err := os.ReadFile(hc.TrustRoot)
	if err != nil {
		return nil, ospkg.TrustPolicy{}, fmt.Errorf("reading trust root: %w", err)
	}
	roots, err := ospkg.ParseRoots(rb)
	if err != nil {
		return nil, ospkg.TrustPolicy{}, fmt.Errorf("%s: %w", hc.TrustRoot, err)
	}
	policy := ospkg.TrustPolicy{Roots: roots, Threshold: hc.SignatureThreshold, DistinctRoots: hc.DistinctRoots}
	if err := policy.Validate(); err != nil {
		return nil, ospkg.TrustPolicy{}, fmt.Errorf("%s with %s: %w", path, hc.TrustRoot, err)
	}
	return hc, policy, nil
}

// resolvePkgURL resolves the descriptor's os_pkg_url against the
// descriptor's own URL; the result must be http or https.
func resolvePkgURL(descURL, pkgURL string) (string, error) {
	if pkgURL == "" {
		return "", errors.New("descriptor has no os_pkg_url")
	}
	base, err := url.Parse(descURL)
	if err != nil {
		return "", fmt.Errorf("descriptor URL %q: %w", descURL, err)
	}
	ref, err := url.Parse(pkgURL)
	if err != nil {
		return "", fmt.Errorf("os_pkg_url %q: %w", pkgURL, err)
	}
	u := base.ResolveReference(ref)
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("os_pkg_url %q resolves to %q: want http or https", pkgURL, u)
	}
	return u.String(), nil
}
