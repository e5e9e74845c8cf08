package rootfs

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/u-root/mkuimage/cpio"
)

// Tree unpacks the gzip-compressed newc initramfs r into dir (which must
// not exist) with the archive's modes: directories, regular files and
// symbolic links; device nodes are left out. It returns the number of
// entries written.
func Tree(r io.Reader, dir string) (int, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return 0, fmt.Errorf("rootfs: initramfs: %w", err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return 0, fmt.Errorf("rootfs: initramfs: %w", err)
	}
	recs, err := cpio.ReadAllRecords(cpio.Newc.Reader(bytes.NewReader(raw)))
	if err != nil {
		return 0, fmt.Errorf("rootfs: initramfs: %w", err)
	}
	// Every mode is set explicitly: the umask must not reach the image
	// (verify rebuilds with umask 027).
	if err := os.Mkdir(dir, 0o755); err != nil {
		return 0, fmt.Errorf("rootfs: %w", err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		return 0, fmt.Errorf("rootfs: %w", err)
	}
	n := 0
	var dirs []cpio.Record
	for _, rec := range recs {
		name := filepath.Clean(rec.Name)
		if name == "." || name == "TRAILER!!!" {
			continue
		}
		if filepath.IsAbs(name) || name == ".." || strings.HasPrefix(name, "../") {
			return 0, fmt.Errorf("rootfs: initramfs entry %q leaves the root", rec.Name)
		}
		p := filepath.Join(dir, name)
		perm := os.FileMode(rec.Mode & 0o7777)
		switch rec.Mode & cpio.S_IFMT {
		case cpio.S_IFDIR:
			if err := os.MkdirAll(p, 0o755); err != nil {
				return 0, fmt.Errorf("rootfs: %w", err)
			}
			dirs = append(dirs, rec) // modes after the contents are written
		case cpio.S_IFREG:
			b, err := io.ReadAll(io.NewSectionReader(rec.ReaderAt, 0, int64(rec.FileSize)))
			if err != nil {
				return 0, fmt.Errorf("rootfs: %s: %w", name, err)
			}
			if err := os.WriteFile(p, b, 0o600); err != nil {
				return 0, fmt.Errorf("rootfs: %w", err)
			}
			if err := os.Chmod(p, chmodMode(perm)); err != nil {
				return 0, fmt.Errorf("rootfs: %w", err)
			}
		case cpio.S_IFLNK:
			target, err := io.ReadAll(io.NewSectionReader(rec.ReaderAt, 0, int64(rec.FileSize)))
			if err != nil {
				return 0, fmt.Errorf("rootfs: %s: %w", name, err)
			}
			if err := os.Symlink(string(target), p); err != nil {
				return 0, fmt.Errorf("rootfs: %w", err)
			}
		case cpio.S_IFCHR, cpio.S_IFBLK, cpio.S_IFIFO, cpio.S_IFSOCK:
			continue // devtmpfs provides /dev on a disk root
		default:
			return 0, fmt.Errorf("rootfs: initramfs entry %q: unknown type %o", rec.Name, rec.Mode&cpio.S_IFMT)
		}
		n++
	}
	for i := len(dirs) - 1; i >= 0; i-- {
		p := filepath.Join(dir, filepath.Clean(dirs[i].Name))
		if err := os.Chmod(p, chmodMode(os.FileMode(dirs[i].Mode&0o7777))); err != nil {
			return 0, fmt.Errorf("rootfs: %w", err)
		}
	}
	return n, nil
}

// chmodMode maps Unix permission bits (with setuid, setgid, sticky) to
// os.FileMode.
func chmodMode(m os.FileMode) os.FileMode {
	out := m & 0o777
	if m&0o4000 != 0 {
		out |= os.ModeSetuid
	}
	if m&0o2000 != 0 {
		out |= os.ModeSetgid
	}
	if m&0o1000 != 0 {
		out |= os.ModeSticky
	}
	return out
}

// AddFile writes a file into the tree dir at the slash-separated path name
// (parents 0755), with mode perm.
func AddFile(dir, name string, data []byte, perm os.FileMode) error {
	p := filepath.Join(dir, filepath.FromSlash(name))
	if !strings.HasPrefix(p, filepath.Clean(dir)+string(filepath.Separator)) {
		return fmt.Errorf("rootfs: %q leaves the tree", name)
	}
	// Parents one by one, each 0755 whatever the umask.
	parent := filepath.Clean(dir)
	for _, elem := range strings.Split(filepath.Dir(filepath.FromSlash(name)), string(filepath.Separator)) {
		if elem == "." {
			continue
		}
		parent = filepath.Join(parent, elem)
		if err := os.Mkdir(parent, 0o755); err == nil {
			if err := os.Chmod(parent, 0o755); err != nil {
				return fmt.Errorf("rootfs: %w", err)
			}
		} else if !os.IsExist(err) {
			return fmt.Errorf("rootfs: %w", err)
		}
	}
	if err := os.WriteFile(p, data, 0o600); err != nil {
		return fmt.Errorf("rootfs: %w", err)
	}
	if err := os.Chmod(p, perm); err != nil {
		return fmt.Errorf("rootfs: %w", err)
	}
	return nil
}

// AddSymlink adds a symbolic link at the slash-separated path name
// pointing to target (the parent must exist).
func AddSymlink(dir, name, target string) error {
	p := filepath.Join(dir, filepath.FromSlash(name))
	if !strings.HasPrefix(p, filepath.Clean(dir)+string(filepath.Separator)) {
		return fmt.Errorf("rootfs: %q leaves the tree", name)
	}
	if err := os.Symlink(target, p); err != nil {
		return fmt.Errorf("rootfs: %w", err)
	}
	return nil
}
