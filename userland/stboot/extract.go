package stboot

import (
	"fmt"
	"os"
	"path/filepath"

	"manx/ospkg"
)

// extracted is a verified package written to tmpfs for kexec_file_load,
// which takes file descriptors.
type extracted struct {
	dir       string
	kernel    string
	initramfs string // "" when the package has none
}

// extract writes c's kernel and initramfs into a new directory under tmp
// (mode 0700, files 0600).
func extract(tmp string, c *ospkg.Contents) (*extracted, error) {
	dir, err := os.MkdirTemp(tmp, "stboot-")
	if err != nil {
		return nil, fmt.Errorf("creating a directory in %s: %w", tmp, err)
	}
	e := &extracted{dir: dir, kernel: filepath.Join(dir, "kernel")}
	if err := writeNew(e.kernel, c.Kernel); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if len(c.Initramfs) > 0 {
		e.initramfs = filepath.Join(dir, "initramfs")
		if err := writeNew(e.initramfs, c.Initramfs); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	return e, nil
}

func writeNew(path string, b []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return fmt.Errorf("writing %s (%d bytes): %w", path, len(b), err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// load opens the extracted files and hands them to k.
func (e *extracted) load(k Kexec, cmdline string) error {
	kf, err := os.Open(e.kernel)
	if err != nil {
		return err
	}
	defer kf.Close()
	var inf *os.File
	if e.initramfs != "" {
		if inf, err = os.Open(e.initramfs); err != nil {
			return err
		}
		defer inf.Close()
	}
	return k.Load(kf, inf, cmdline)
}
