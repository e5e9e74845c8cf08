//go:build oracle

package oracle

import (
	"context"
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
// signed UKIs and the signed kernel and refuses the tampered and the
// unsigned UKI.
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
	cert := filepath.Join(t.TempDir(), "db.crt")
	if err := os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: ks.DB.Certificate().Raw}), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, a := range []catalog.Artefact{catalog.UKISigned, catalog.StbootUKISigned, catalog.KernelSigned} {
		if err := Sbverify(ctx, cert, testutil.Built(t, a.In(env.BuildDir))); err != nil {
			t.Errorf("%s: %v", a.Name, err)
		}
	}
	// A refusal is sbverify's own "Signature verification failed", not any
	// non-zero exit: a path it cannot open must not count.
	tampered := testutil.Built(t, catalog.UKITampered.In(env.BuildDir))
	if err := SbverifyRefuses(ctx, cert, tampered); err != nil {
		t.Errorf("the tampered UKI (one byte of .linux flipped): %v", err)
	}
	if err := SbverifyRefuses(ctx, cert, testutil.Built(t, catalog.UKI.In(env.BuildDir))); err != nil {
		t.Errorf("the unsigned UKI: %v", err)
	}
	if err := SbverifyRefuses(ctx, cert, filepath.Join(t.TempDir(), "absent.efi")); err == nil {
		t.Error("SbverifyRefuses counts an image sbverify cannot open as a refusal")
	}
	t.Log("summary: sbverify (db cert) accepts both signed UKIs and the signed kernel, refuses the tampered and the unsigned UKI in its own words")
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
