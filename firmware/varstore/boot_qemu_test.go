//go:build qemu

package varstore

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestBootDebianOVMF boots Debian's OVMF_CODE_4M.secboot.fd (TCG, no disk)
// with each raw store until BDS gives up or starts the built-in shell, then
// parses the VARS file the firmware wrote. It proves that the firmware
// accepted the store (no reinitialisation: our variables are still there,
// unchanged, next to what the firmware added) and that Secure Boot is
// enforced exactly for ms and custom (the unsigned shell is refused).
// Run with: go test -tags qemu -run TestBootDebianOVMF ./firmware/varstore
func TestBootDebianOVMF(t *testing.T) {
	qemu10(t)
	code := debianOVMF(t, "OVMF_CODE_4M.secboot.fd")
	c := fixedCerts(t)
	for _, k := range Kinds {
		t.Run(k.String(), func(t *testing.T) {
			s := mustNew(t, k, c)
			dir := t.TempDir()
			vars := filepath.Join(dir, FileName(k, Raw))
			if err := s.WriteFile(vars, Raw); err != nil {
				t.Fatal(err)
			}
			serial := filepath.Join(dir, "serial.log")
			ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, qemuPath, "-accel", "tcg", "-machine", "q35,smm=on", "-m", "512",
				"-global", "driver=cfi.pflash01,property=secure,value=on",
				"-drive", "if=pflash,format=raw,unit=0,readonly=on,file="+code,
				"-drive", "if=pflash,format=raw,unit=1,file="+vars,
				"-net", "none", "-display", "none", "-monitor", "none", "-serial", "file:"+serial, "-no-reboot")
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			var log string
			markers := []string{"Press any key to enter the Boot Manager Menu", "Shell>", "startup.nsh"}
		wait:
			for {
				select {
				case err := <-done:
					t.Fatalf("qemu exited early: %v\nserial:\n%s", err, log)
				case <-time.After(time.Second):
				}
				b, _ := os.ReadFile(serial)
				log = string(b)
				for _, m := range markers {
					if strings.Contains(log, m) {
						break wait
					}
				}
				if ctx.Err() != nil {
					t.Fatalf("no BDS marker within the timeout; serial:\n%s", log)
				}
			}
			time.Sleep(2 * time.Second) // let pending variable writes land
			_ = cmd.Process.Signal(syscall.SIGTERM)
			<-done

			refused := strings.Contains(log, `"EFI Internal Shell"`) && strings.Contains(log, "Security Violation")
			if wantSB := k != Blank; refused != wantSB {
				t.Errorf("built-in shell refused = %v, want %v (Secure Boot on for %v)\nserial:\n%s", refused, wantSB, k, log)
			}
			img, err := os.ReadFile(vars)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParseRaw(img)
			if err != nil {
				t.Fatalf("ParseRaw(firmware-written VARS) error = %v", err)
			}
			for _, v := range s.Variables {
				g, ok := got.Lookup(v.Name, v.GUID)
				if !ok {
					t.Errorf("firmware dropped %s", v.Name)
					continue
				}
				if diff := cmp.Diff(v, *g, cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("firmware changed %s (-ours +firmware's):\n%s", v.Name, diff)
				}
			}
			if _, ok := got.Lookup("certdb", CertDBGUID); !ok {
				t.Errorf("firmware did not add certdb: did it run its variable driver on this store?")
			}
			if st := got.SecureBootStatus(); st.SecureBoot != (k != Blank) {
				t.Errorf("SecureBootStatus() after boot = %s", st)
			}
			t.Logf("%v: %d variables after boot", k, len(got.Variables))
		})
	}
}
