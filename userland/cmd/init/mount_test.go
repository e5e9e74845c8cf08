package main

import (
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/sys/unix"
)

type fakeMounter struct {
	existing map[string]bool
	fail     map[string]error
	calls    []string
}

func (f *fakeMounter) mkdirAll(string) error { return nil }
func (f *fakeMounter) exists(p string) bool  { return f.existing[p] }
func (f *fakeMounter) mount(source, target, fstype string, flags uintptr, data string) error {
	f.calls = append(f.calls, fmt.Sprintf("%s %s %s", fstype, target, data))
	return f.fail[target]
}

func TestMountAll(t *testing.T) {
	for _, tc := range []struct {
		name      string
		existing  map[string]bool
		fail      map[string]error
		wantCalls []string
		wantErrs  int
	}{
		{
			name: "minimal kernel",
			fail: map[string]error{"/dev/pts": unix.ENODEV},
			wantCalls: []string{"proc /proc ", "sysfs /sys ", "devtmpfs /dev mode=0755", "tmpfs /tmp mode=1777",
				"tmpfs /run mode=0755", "devpts /dev/pts mode=0620,ptmxmode=0666"},
		},
		{
			name:     "EFI and securityfs",
			existing: map[string]bool{"/sys/kernel/security": true, "/sys/firmware/efi/efivars": true},
			fail:     map[string]error{"/dev": unix.EBUSY},
			wantCalls: []string{"proc /proc ", "sysfs /sys ", "devtmpfs /dev mode=0755", "tmpfs /tmp mode=1777",
				"tmpfs /run mode=0755", "devpts /dev/pts mode=0620,ptmxmode=0666", "securityfs /sys/kernel/security ",
				"efivarfs /sys/firmware/efi/efivars "},
		},
		{
			name: "required mount fails",
			fail: map[string]error{"/proc": unix.EPERM, "/sys": errors.New("boom")},
			wantCalls: []string{"proc /proc ", "sysfs /sys ", "devtmpfs /dev mode=0755", "tmpfs /tmp mode=1777",
				"tmpfs /run mode=0755", "devpts /dev/pts mode=0620,ptmxmode=0666"},
			wantErrs: 2,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &fakeMounter{existing: tc.existing, fail: tc.fail}
			errs := mountAll(f)
			if diff := cmp.Diff(tc.wantCalls, f.calls); diff != "" {
				t.Errorf("mountAll calls mismatch (-want +got):\n%s", diff)
			}
			if len(errs) != tc.wantErrs {
				t.Errorf("mountAll() = %v, want %d errors", errs, tc.wantErrs)
			}
		})
	}
}
