package osserver

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"manx/catalog"
	"manx/deploy/profile"
	"manx/internal/stage"
)

// What the server calls the OS package's files. The descriptor's
// os_pkg_url (PackageName) is relative to the descriptor.
const (
	DescriptorName = "manx.json"
	PackageName    = "manx.zip"
	// GuestHostAddr is the host's loopback as a QEMU user-network guest
	// reaches it.
	GuestHostAddr = "10.0.2.2"
)

// Scenario is what a stboot profile's server serves and how it misbehaves.
type Scenario struct {
	Descriptor catalog.Artefact // served as /manx.json
	Package    catalog.Artefact // served as /manx.zip; zero: catalog.Ospkg
	Faults     Faults
}

// pkg is the package sc serves.
func (sc Scenario) pkg() catalog.Artefact {
	if sc.Package.Name == "" {
		return catalog.Ospkg
	}
	return sc.Package
}

// Scenarios are the servers of the stboot profiles, by profile.Serve*.
// ServeZipFlip's descriptor (catalog.OspkgZipAltered) carries the flipped
// zip's SHA-256 as os_pkg_sha256, so only the signatures refuse it.
var Scenarios = map[string]Scenario{
	profile.ServeOK:            {Descriptor: catalog.OspkgDescriptor},
	profile.ServeZipFlip:       {Descriptor: catalog.OspkgZipAltered, Faults: Faults{Paths: map[string]Fault{"/" + PackageName: {Flip: true}}}},
	profile.ServeExpired:       {Descriptor: catalog.OspkgExpired},
	profile.ServeOneRoot:       {Descriptor: catalog.OspkgOneRoot},
	profile.ServeVersion1:      {Descriptor: catalog.OspkgVersion1},
	profile.ServeVersion2:      {Descriptor: catalog.OspkgVersion2},
	profile.ServeVersion3:      {Descriptor: catalog.OspkgVersion3},
	profile.ServeUntrusted:     {Descriptor: catalog.OspkgUntrusted},
	profile.ServeOneOfTwo:      {Descriptor: catalog.OspkgOneOfTwo},
	profile.ServeRetry:         {Descriptor: catalog.OspkgDescriptor, Faults: Faults{Paths: map[string]Fault{"/" + DescriptorName: {Times: 2, Status: 503}}}},
	profile.ServeDown:          {Descriptor: catalog.OspkgDescriptor, Faults: Faults{Down: true}},
	profile.ServeKexecUnsigned: {Descriptor: catalog.OspkgKexecUnsignedDescriptor, Package: catalog.OspkgKexecUnsigned},
	profile.ServeKexecDBOnly:   {Descriptor: catalog.OspkgKexecDBDescriptor, Package: catalog.OspkgKexecDB},
	// The image-based OS's updates: the next version, the same with a UKI
	// that never reaches ready, an older version.
	profile.ServeImageUpdate:    {Descriptor: catalog.ImageUpdateDescriptor, Package: catalog.ImageUpdate},
	profile.ServeImageUpdateBad: {Descriptor: catalog.ImageUpdateBadDescriptor, Package: catalog.ImageUpdateBad},
	profile.ServeImageUpdateOld: {Descriptor: catalog.ImageUpdateOldDescriptor, Package: catalog.ImageUpdateOld},
}

// ServeScenario serves the built OS package of buildDir under the named
// scenario on 127.0.0.1:port until stop is called.
func ServeScenario(buildDir string, port int, name string, log *slog.Logger) (stop func(), err error) {
	sc, ok := Scenarios[name]
	if !ok {
		return nil, fmt.Errorf("no OS package server scenario %q", name)
	}
	dir, err := os.MkdirTemp("", "manx-ospkg-")
	if err != nil {
		return nil, err
	}
	for _, f := range []struct {
		src  catalog.Artefact
		name string
	}{{sc.pkg(), PackageName}, {sc.Descriptor, DescriptorName}} {
		if err := stage.CopyFileAtomic(f.src.In(buildDir), filepath.Join(dir, f.name), 0o644); err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("OS package server scenario %s: %w", name, err)
		}
	}
	log = log.With("scenario", name)
	srv, err := StartAddr(fmt.Sprintf("127.0.0.1:%d", port), dir, sc.Faults, log)
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
