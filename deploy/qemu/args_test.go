package qemu

import (
	"path/filepath"
	"strings"
	"testing"

	"manx/deploy/profile"
	"manx/internal/testutil"
)

// TestArgsGolden pins the QEMU command line of every profile.
func TestArgsGolden(t *testing.T) {
	in := Inputs{
		Kernel: "/b/kernel/bzImage", Initramfs: "/b/userland/initramfs.cpio.zst", ESP: "/run/esp.img",
		Code: "/b/firmware/CODE.fd", Vars: "/run/VARS", SNPMeasurement: strings.Repeat("5e", 48),
		TPM: "/run/swtpm.sock", SealedDisk: "/run/sealed.img", Disk: "/run/manx.raw", UpdateURL: "http://10.0.2.2:8470/manx.json",
	}
	rt := Runtime{Accel: "tcg", Serial: "file:/run/serial.log", QMP: "/run/qmp.sock", TSCkHz: 2096004}
	for _, p := range profile.All() {
		t.Run(p.Target(), func(t *testing.T) {
			args, err := Args(p, in, rt)
			if err != nil {
				t.Fatal(err)
			}
			got := Render(args)
			testutil.Golden(t, filepath.Join("testdata", p.Target()+".golden"), []byte(got))
		})
	}
}

func TestArgsMissingInput(t *testing.T) {
	p, err := profile.Find("kernel,initramfs")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Args(p, Inputs{Kernel: "/k"}, Runtime{Serial: "stdio"})
	if err == nil || !strings.Contains(err.Error(), "initramfs") {
		t.Errorf("Args(no initramfs) = %v, want an error naming the initramfs", err)
	}
}

func TestArgsWindow(t *testing.T) {
	p, _ := profile.Find("kernel,initramfs")
	args, err := Args(p, Inputs{Kernel: "/k", Initramfs: "/i"}, Runtime{Serial: "mon:stdio", Window: true})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(args, " "), "-display gtk") {
		t.Errorf("Args(window) = %v, want -display gtk", args)
	}
}
