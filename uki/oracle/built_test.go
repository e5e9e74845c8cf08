//go:build oracle

package oracle

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"

	"manx/catalog"
	"manx/internal/testutil"
	"manx/pipeline"
)

// The tests below judge the built PE images with tools that share no code
// with Manx. `go run mage.go test` builds everything, then runs them with
// -tags oracle; a missing tool fails them (sbverify and objdump come from
// setup), it never skips them.

// TestBuiltSbverify: sbverify, given the db certificate, accepts both
// signed UKIs and refuses the tampered and the unsigned UKI and the kernel
// (db signs only UKIs); given the kexec certificate, it accepts the signed
// kernel and refuses the UKIs and the db-only kernel fixture.
func TestBuiltSbverify(t *testing.T) {
	env := testutil.BuildEnv(t)
	p, err := pipeline.New(env, testutil.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	ks, err := p.Keys()
	if err != nil {
		t.Fatal(err)
	}
	certFile := func(name string, c *x509.Certificate) string {
		path := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	db, kexec := certFile("db.crt", ks.DB.Certificate()), certFile("kexec.crt", ks.Kexec.Certificate())
	ctx := context.Background()
	for _, tt := range []struct {
		cert, name string
		accept     []catalog.Artefact
		refuse     []catalog.Artefact
	}{
		{db, "db", []catalog.Artefact{catalog.UKISigned, catalog.StbootUKISigned, catalog.ImageUKI, catalog.ImageBoot},
			[]catalog.Artefact{catalog.UKITampered, catalog.UKI, catalog.KernelSigned, catalog.Kernel}},
		{kexec, "kexec", []catalog.Artefact{catalog.KernelSigned},
			[]catalog.Artefact{catalog.KernelDBSigned, catalog.Kernel, catalog.UKISigned, catalog.StbootUKISigned}},
	} {
		for _, a := range tt.accept {
			if err := Sbverify(ctx, tt.cert, testutil.Built(t, a.In(env.BuildDir))); err != nil {
				t.Errorf("%s cert, %s: %v", tt.name, a.Name, err)
			}
		}
		// A refusal is sbverify's own "Signature verification failed",
		// not any non-zero exit: a path it cannot open must not count.
		for _, a := range tt.refuse {
			if err := SbverifyRefuses(ctx, tt.cert, testutil.Built(t, a.In(env.BuildDir))); err != nil {
				t.Errorf("%s cert, %s: %v", tt.name, a.Name, err)
			}
		}
	}
	if err := SbverifyRefuses(ctx, db, filepath.Join(t.TempDir(), "absent.efi")); err == nil {
		t.Error("SbverifyRefuses counts an image sbverify cannot open as a refusal")
	}
	t.Log("summary: sbverify: db accepts the signed UKIs (and the image's UKI and systemd-boot) and refuses the tampered and unsigned UKI and every kernel; " +
		"the kexec cert accepts the signed kernel and refuses the UKIs and the db-only kernel, in sbverify's own words")
}

// TestBuiltObjdump: objdump -h shows each UKI's sections in order,
// page-aligned and not overlapping.
func TestBuiltObjdump(t *testing.T) {
	env := testutil.BuildEnv(t)
	for _, a := range []catalog.Artefact{catalog.UKI, catalog.UKISigned, catalog.StbootUKI, catalog.StbootUKISigned} {
		secs, err := Objdump(context.Background(), testutil.Built(t, a.In(env.BuildDir)))
		if err != nil {
			t.Fatalf("%s: %v", a.Name, err)
		}
		if err := CheckUKI(secs); err != nil {
			t.Errorf("%s: %v", a.Name, err)
		}
	}
	t.Log("summary: objdump -h: UKI sections in order, aligned")
}
